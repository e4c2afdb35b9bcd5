/**
 * What the observability costs a running service: the built service runs in a child process (embedded PGlite),
 * and autocannon loads an authenticated list (`GET /api/v1/departments`) with the access log off (ACCESS_LOG=false),
 * then as JSON, then as text; after each load, 20 scrapes of `GET /metrics` are timed (median ms, bytes).
 *
 *   npm run build:test && node dist/bench/observability-overhead.bench.js [--seconds=5] [--connections=20]
 *
 * On a shared machine the req/s say how busy it was as much as what the code costs: compare the rows of one run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { bearer, loginAsAdmin } from '../test/support/api-client.js';
import { spawnApp } from '../test/support/child-app.js';

const option = (name: string, fallback: string) =>
  new RegExp(`--${name}=(\\S+)`).exec(process.argv.join(' '))?.[1] ?? fallback;
const seconds = Number(option('seconds', '5'));
const connections = Number(option('connections', '20'));

const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: 'access log off', env: { LOG_LEVEL: 'log', ACCESS_LOG: 'false' } },
  { name: 'access log json', env: { LOG_LEVEL: 'log', LOG_FORMAT: 'json' } },
  { name: 'access log pretty', env: { LOG_LEVEL: 'log', LOG_FORMAT: 'pretty' } },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const variant of VARIANTS) {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-obs-bench-'));
  const child = await spawnApp('main', {
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ...variant.env,
  });
  try {
    const api = child.asTestApp();
    const admin = await loginAsAdmin(api);
    const base = `http://127.0.0.1:${child.port}`;
    const load = await autocannon({
      url: `${base}/api/v1/departments`,
      headers: bearer(admin),
      connections,
      duration: seconds,
    });
    const scrapes: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      const text = await (await fetch(`${base}/metrics`)).text();
      scrapes.push(performance.now() - started);
      bytes = text.length;
    }
    console.log(
      `${variant.name.padEnd(18)} ${Math.round(load.requests.average)} req/s, p99 ${load.latency.p99} ms, ` +
        `${load.non2xx} non-2xx; /metrics median ${median(scrapes).toFixed(1)} ms, ${bytes} bytes`,
    );
  } finally {
    child.kill('SIGKILL');
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
