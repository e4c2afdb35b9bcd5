// Runs every compiled spec under dist/ with Node's own test runner.
// Unit specs sit beside the code (src/**/*.spec.ts); integration and HTTP tests live in test/ (*.e2e-spec.ts).
// Before the runner starts, the migrations run once into a template database (PostgreSQL when TEST_DATABASE_URL
// or DATABASE_URL is set, else an embedded PGlite folder); every test app starts on a copy of it
// (test/support/database-template.ts). The template is dropped when the run ends.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

function findSpecs(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findSpecs(path));
    else if (/\.(e2e-)?spec\.js$/.test(name)) found.push(path);
  }
  return found;
}

/** Substrings of spec paths to run (any of them); none runs every spec. */
const filters = process.argv.slice(2);
const roots = ['dist/src', 'dist/test'].filter((dir) => {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
});
const specs = roots
  .flatMap(findSpecs)
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort();
if (specs.length === 0) {
  console.error('No compiled specs found under dist/: run "npm run build:test" first.');
  process.exit(1);
}

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
// Ctrl-C reaches the runner too: wait for it to stop, then drop the template.
let child;
let stopped;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopped = signal;
    child?.kill(signal);
  });
}

// Unit specs need no database: make a template only when an integration or HTTP test runs.
const needsDatabase = specs.some((path) => path.startsWith(join('dist', 'test')));
let templates;
let template;
if (needsDatabase) {
  await import('reflect-metadata');
  templates = await import(pathToFileURL(resolve('dist/test/support/database-template.js')).href);
  const started = Date.now();
  template = await templates.createTemplate(serverUrl);
  console.log(`# migrated the template database once in ${Date.now() - started} ms`);
}

let status = 130;
if (!stopped) {
  child = spawn(process.execPath, ['--import', 'reflect-metadata', '--test', '--test-concurrency=2', ...specs], {
    stdio: 'inherit',
    env: template ? { ...process.env, [templates.TEMPLATE_ENV]: template } : process.env,
  });
  status = await new Promise((done) => child.on('exit', (code) => done(code ?? 1)));
}
if (template) await templates.dropTemplate(serverUrl, template);
process.exit(status);
