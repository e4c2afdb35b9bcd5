// Runs every compiled spec under dist/ with Node's own test runner.
// Unit specs sit beside the code (src/**/*.spec.ts); integration and HTTP tests live in test/ (*.e2e-spec.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findSpecs(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findSpecs(path));
    else if (/\.(e2e-)?spec\.js$/.test(name)) found.push(path);
  }
  return found;
}

const filter = process.argv[2];
const roots = ['dist/src', 'dist/test'].filter((dir) => {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
});
const specs = roots
  .flatMap(findSpecs)
  .filter((path) => !filter || path.includes(filter))
  .sort();
if (specs.length === 0) {
  console.error('No compiled specs found under dist/: run "npm run build:test" first.');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'reflect-metadata', '--test', '--test-concurrency=2', ...specs],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
