import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { repoRoot } from './shared-data.js';
import { ADMIN_PASSWORD, GENEROUS_RATE_LIMITS, type TestApp } from './test-app.js';

export interface ChildApp {
  process: ChildProcess;
  /** The HTTP port of an API process (null for a worker). */
  port: number | null;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal, unless it has exited. */
  kill(signal: NodeJS.Signals): void;
  /** The API process as the HTTP helpers take it (`http()` only). */
  asTestApp(): TestApp;
}

const READY = {
  main: /Listening on http:\/\/localhost:(\d+)/,
  worker: /Worker running jobs/,
};

/**
 * Runs the built service (`dist/src/main.js`, or `dist/src/worker.js` as `npm run worker` does) as a real child
 * process with only the environment given here (plus PATH), and resolves once it says it is ready.
 */
export async function spawnApp(entry: 'main' | 'worker', env: Record<string, string>): Promise<ChildApp> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'src', `${entry}.js`)], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'log',
      PORT: '0',
      ADMIN_PASSWORD,
      ...GENEROUS_RATE_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY[entry].exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve(ready[1] ? Number(ready[1]) : null);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  const handle: ChildApp = {
    process: child,
    port,
    output: () => output,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    asTestApp: () => ({ http: () => request(`http://127.0.0.1:${port}`) }) as unknown as TestApp,
  };
  return handle;
}
