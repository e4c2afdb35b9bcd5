/**
 * Throughput of the plain API, measured as a new user would: the built service (`dist/src/main.js`) runs in a
 * process of its own, 60 people in 5 departments are created through the API, and autocannon (in this process)
 * loads one route at a time with an admin's token: 50 connections for 10 s each, after a 2 s warm-up of every
 * route and another of the route measured.
 * Embedded PGlite always; PostgreSQL too when TEST_DATABASE_URL (or DATABASE_URL) names a server (a database is
 * created for the run and dropped after).
 *
 *   npm run build:test && node dist/bench/api-throughput.bench.js \
 *     [--seconds=10] [--connections=50] [--people=60] [--only=postgres|embedded] [--cpu-prof=DIR] \
 *     [--rate-limits=false] [--instances=2]
 *
 * `--instances=N` (PostgreSQL only; issue 14's deployment) runs N API processes with `WORKERS=false` and one job
 * worker (`dist/src/worker.js`) on the one database and data folder, and splits the connections evenly over the
 * APIs, one autocannon per API at once: req/s are summed, p50 and p99 are the highest of the APIs', service CPU is
 * the APIs' together.
 *
 * `--cpu-prof=DIR` starts the service with `node --cpu-prof` and writes its profile into DIR when it stops.
 * "req/s per free core" is 1000 / (service CPU ms per request): what one core given to the service alone would
 * answer, were the database and the load generator elsewhere; on a shared 2-core machine it says what the code
 * costs when the measured req/s mostly say how busy the machine was.
 * Goals (issue 14): authenticated lists ≥ 1,500 req/s with p99 < 100 ms on PostgreSQL, ≥ 600 req/s embedded.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { createEmptyDatabase, dropDatabase } from '../test/support/database-template.js';

const option = (name: string, fallback: string) =>
  new RegExp(`--${name}=(\\S+)`).exec(process.argv.join(' '))?.[1] ?? fallback;
const seconds = Number(option('seconds', '10'));
const connections = Number(option('connections', '50'));
const people = Number(option('people', '60'));
const only = option('only', '');
const cpuProfDir = option('cpu-prof', '');
/**
 * `--rate-limits=false` starts the service without request rate limits; by default they are on, with limits no run
 * reaches, so the figures include the counting (one upsert per request) but no refusal.
 */
const rateLimits = option('rate-limits', 'true');
/** Only the routes whose path contains one of these (comma-separated). */
const routeFilter = option('routes', '').split(',').filter(Boolean);
const instances = Math.max(1, Number(option('instances', '1')));
const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const ADMIN_PASSWORD = 'Bench-Admin-Pass-1';

interface Route {
  path: string;
  /** A paginated list of the organisation: the routes the goals are about. */
  list: boolean;
}

const ROUTES: Route[] = [
  { path: '/api/v1/employees', list: true },
  { path: '/api/v1/employees?facets=true', list: true },
  { path: '/api/v1/departments', list: true },
  { path: '/api/v1/auth/me', list: false },
  { path: '/healthz', list: false },
];

interface Figure {
  database: string;
  path: string;
  list: boolean;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** What went wrong, when something did: status classes, errors, timeouts. */
  failureKinds: string;
  /** Cores the service used during the run (1 = one core all the time). */
  serverCpu: number;
  /** Service CPU time per answered request: what a request costs, whatever else runs on the machine. */
  cpuMsPerRequest: number;
  load: [number, number];
}

const figures: Figure[] = [];
console.log(
  `# ${connections} connections, ${seconds} s per route, ${people} people, ${instances === 1 ? 'one service' : `${instances} API instances and a worker (PostgreSQL)`}; load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}; node ${process.version}`,
);
if (only !== 'postgres' && instances === 1) await benchmark('embedded', undefined);
if (only !== 'embedded') {
  if (serverUrl) {
    const databaseUrl = await createEmptyDatabase(serverUrl, 'facegate_bench');
    try {
      await benchmark('PostgreSQL', databaseUrl);
    } finally {
      await dropDatabase(serverUrl, databaseUrl);
    }
  } else {
    console.log('# PostgreSQL skipped: set TEST_DATABASE_URL to a server URL');
  }
}
printSummary();

async function benchmark(database: string, databaseUrl: string | undefined): Promise<void> {
  const services = await startServices(databaseUrl);
  const apis = services.all.filter((service) => service.api);
  try {
    const token = await seed(apis[0].base);
    const pids = services.all.map((service) => `${service.api ? 'API' : 'worker'} ${service.process.pid}`).join(', ');
    console.log(`\n## ${database}: ${pids}; seeded ${people} people`);
    const routes = ROUTES.filter((r) => routeFilter.length === 0 || routeFilter.some((f) => r.path.includes(f)));
    const loadRoute = (route: Route, duration: number) => {
      const headers: Record<string, string> = route.path.startsWith('/api/v1')
        ? { authorization: `Bearer ${token}` }
        : {};
      return Promise.all(apis.map((api) => load(api.base + route.path, headers, duration, connections / apis.length)));
    };
    // Every route once before any is measured: the first route measured after a start alone ran 15-25% slower
    // than when measured after the others (the shared request path was still being compiled).
    for (const route of routes) await loadRoute(route, Math.min(2, seconds));
    for (const route of routes) {
      const loadAll = (duration: number) => loadRoute(route, duration);
      await loadAll(Math.min(2, seconds));
      const cpuOfApis = () => apis.reduce((sum, api) => sum + cpuSeconds(api.process), 0);
      const before = [loadavg()[0], cpuOfApis()] as const;
      const results = await loadAll(seconds);
      const sum = (pick: (result: autocannon.Result) => number) =>
        results.reduce((total, result) => total + pick(result), 0);
      const duration = Math.max(...results.map((result) => result.duration));
      const figure: Figure = {
        database: apis.length === 1 ? database : `${database}, ${apis.length} APIs`,
        path: route.path,
        list: route.list,
        requestsPerSecond: sum((result) => result.requests.average),
        p50: Math.max(...results.map((result) => result.latency.p50)),
        p99: Math.max(...results.map((result) => result.latency.p99)),
        failures: sum((result) => result.non2xx + result.errors + result.timeouts),
        failureKinds: Object.entries({
          '4xx': sum((result) => result['4xx']),
          '5xx': sum((result) => result['5xx']),
          errors: sum((result) => result.errors),
          timeouts: sum((result) => result.timeouts),
        })
          .filter(([, count]) => count > 0)
          .map(([kind, count]) => `${count} ${kind}`)
          .join(', '),
        serverCpu: (cpuOfApis() - before[1]) / duration,
        cpuMsPerRequest:
          ((cpuOfApis() - before[1]) * 1000) /
          Math.max(
            1,
            sum((result) => result.requests.total),
          ),
        load: [before[0], loadavg()[0]],
      };
      figures.push(figure);
      console.log(describe(figure));
    }
  } finally {
    await services.stop();
  }
}

function load(
  url: string,
  headers: Record<string, string>,
  duration: number,
  connectionCount: number,
): Promise<autocannon.Result> {
  return autocannon({ url, connections: Math.max(1, Math.round(connectionCount)), duration, headers });
}

/** One line per route: figures and the verdict against the goal where the route has one. */
function describe(figure: Figure): string {
  return [
    figure.path.padEnd(32),
    `${figure.requestsPerSecond.toFixed(0).padStart(6)} req/s`,
    `p50 ${figure.p50.toFixed(0).padStart(4)} ms`,
    `p99 ${figure.p99.toFixed(0).padStart(5)} ms`,
    figure.failures > 0 ? `failed: ${figure.failureKinds}` : 'none failed',
    `service CPU ${(figure.serverCpu * 100).toFixed(0)}% of a core, ${figure.cpuMsPerRequest.toFixed(2)} ms/request`,
    `load ${figure.load[0].toFixed(1)}→${figure.load[1].toFixed(1)}`,
    verdict(figure),
  ].join('  ');
}

function verdict(figure: Figure): string {
  if (!figure.list) return '';
  if (figure.failures > 0) return 'FAIL (errors)';
  if (figure.database.startsWith('PostgreSQL')) {
    const pass = figure.requestsPerSecond >= 1500 && figure.p99 < 100;
    return `goal ≥ 1500 req/s, p99 < 100 ms: ${pass ? 'PASS' : 'MISS'}`;
  }
  return `goal ≥ 600 req/s: ${figure.requestsPerSecond >= 600 ? 'PASS' : 'MISS'}`;
}

function printSummary(): void {
  console.log(
    '\n| database | route | req/s | p50 ms | p99 ms | service CPU (cores) | CPU ms/request | req/s per free core | load average | verdict |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const figure of figures) {
    console.log(
      `| ${figure.database} | \`GET ${figure.path}\` | ${figure.requestsPerSecond.toFixed(0)} | ${figure.p50.toFixed(0)} | ` +
        `${figure.p99.toFixed(0)} | ${figure.serverCpu.toFixed(2)} | ${figure.cpuMsPerRequest.toFixed(2)} | ${(1000 / figure.cpuMsPerRequest).toFixed(0)} | ${figure.load[0].toFixed(1)}-${figure.load[1].toFixed(1)} | ${verdict(figure)} |`,
    );
  }
}

interface Service {
  /** An API (answers HTTP at `base`), or a job worker. */
  api: boolean;
  base: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * One service with its jobs in process; with `--instances=N` and a database server, N APIs without workers and a
 * job worker, all on the one database and data folder (the first API migrates and creates the admin before the
 * others start).
 */
async function startServices(databaseUrl: string | undefined): Promise<{ all: Service[]; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-bench-'));
  const shared = { DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString('hex') };
  const all: Service[] = [];
  const stop = async () => {
    await Promise.all(all.map((service) => service.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // Each service is kept as soon as it runs, so that a failed start stops the ones already running.
    const start = async (environment: Record<string, string>, kind: 'api' | 'worker') => {
      all.push(await startService(databaseUrl, environment, kind));
    };
    if (instances === 1 || !databaseUrl) {
      await start(shared, 'api');
    } else {
      const split = { ...shared, WORKERS: 'false' };
      await start(split, 'api');
      const others = Array.from({ length: instances - 1 }, () => start(split, 'api'));
      await Promise.all([...others, start(shared, 'worker')]);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { all, stop };
}

/**
 * `node dist/src/main.js` (or `worker.js`) in production mode, an API on a free port; waits until an API is ready
 * and a worker has run for two seconds.
 */
async function startService(
  databaseUrl: string | undefined,
  shared: Record<string, string>,
  kind: 'api' | 'worker',
): Promise<Service> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
    RATE_LIMITS: rateLimits,
    RATE_LIMIT_AUTH: '1000000/60',
    RATE_LIMIT_GENERAL: '1000000/60',
    ...shared,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const args = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`] : [];
  const child = spawn(process.execPath, [...args, kind === 'api' ? 'dist/src/main.js' : 'dist/src/worker.js'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${kind} exited with ${child.exitCode}`);
    const ready =
      kind === 'api'
        ? await fetch(`${base}/readyz`).then(
            (response) => response.ok,
            () => false,
          )
        : Date.now() - started > 2000;
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the ${kind} did not become ready in 180 s`);
    await new Promise((done) => setTimeout(done, 250));
  }
  return {
    api: kind === 'api',
    base,
    process: child,
    async stop() {
      // SIGINT lets Nest close and Node write the CPU profile.
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** Logs in as the first-run admin and creates 5 departments and `people` people; returns the access token. */
async function seed(base: string): Promise<string> {
  const call = async (method: string, path: string, body: object, token?: string) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { access_token: token } = (await call('POST', '/api/v1/auth/login', {
    username: 'admin',
    password: ADMIN_PASSWORD,
  })) as { access_token: string };
  const departments: string[] = [];
  for (const code of ['ENG', 'OPS', 'SALES', 'HR', 'LAB']) {
    departments.push(String((await call('POST', '/api/v1/departments', { name: code, code }, token)).id));
  }
  for (let i = 0; i < people; i++) {
    await call(
      'POST',
      '/api/v1/employees',
      {
        first_name: `Person${i}`,
        last_name: `Bench${i % 7}`,
        email: `person${i}@bench.example`,
        kind: i % 4 === 0 ? 'student' : 'employee',
        department_id: departments[i % departments.length],
      },
      token,
    );
  }
  return token;
}

/** CPU seconds (user + system) the process has used so far, from /proc (Linux). */
function cpuSeconds(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
