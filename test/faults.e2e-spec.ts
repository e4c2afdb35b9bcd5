import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import type { Json } from './support/api-calls.js';
import { type ChildApp, spawnApp } from './support/child-app.js';
import { facePath } from './support/shared-data.js';
import { testDatabaseUrl } from './support/test-app.js';

/** The PostgreSQL server programs of this machine (Debian keeps them outside PATH), or null. */
function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().at(-1);
  const bin = version ? join(root, version, 'bin') : null;
  return bin && existsSync(join(bin, 'pg_ctl')) ? bin : null;
}

/**
 * A PostgreSQL cluster of the test's own (a temporary folder, a free port), so that it can be stopped and started
 * under a running service without touching the server other tests use.
 */
class PrivateCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'facegate-pg-'));
  private port = 0;

  constructor(private readonly bin: string) {
    // initdb refuses to run as root; the cluster belongs to the postgres user then.
    this.run('initdb', ['-D', this.dir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /**
   * Starts the cluster on a port that is free now, trying other ports when the server cannot start (a port taken
   * between the check and the start); the server's log is in the error when every attempt failed.
   */
  async startOnFreePort(attempts = 5): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      try {
        this.start();
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
    }
  }

  start(): void {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    const log = join(this.dir, 'log');
    try {
      this.run('pg_ctl', ['-D', this.dir, '-o', options, '-l', log, '-w', 'start']);
    } catch (error) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
      throw new Error(`PostgreSQL did not start on port ${this.port}: ${String(error)}\n${tail}`, { cause: error });
    }
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.dir, '-m', 'fast', '-w', 'stop']);
  }

  remove(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(program: string, args: string[]): void {
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chown', ['-R', 'postgres', this.dir]);
    const command = asRoot ? 'runuser' : join(this.bin, program);
    const argv = asRoot ? ['-u', 'postgres', '--', join(this.bin, program), ...args] : args;
    execFileSync(command, argv, { stdio: 'pipe', timeout: 60_000 });
  }
}

/**
 * A TCP port of 127.0.0.1 that nothing listens on, below the kernel's range for outgoing connections (32768 and
 * up on Linux), so that a client's socket does not take it while the cluster is stopped.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const bin = postgresBin();

/**
 * PostgreSQL restarted while a camera posts frames: the API answers 503 while the database is away, recovers by
 * itself (no restart of the service), and every frame it accepted is stored (accepted frames are never lost).
 */
describe(
  'faults: PostgreSQL restarted while frames are posted',
  { skip: (!testDatabaseUrl || !bin) && 'needs PostgreSQL and its server programs (TEST_DATABASE_URL)' },
  () => {
    let cluster: PrivateCluster;
    let child: ChildApp | undefined;
    let dataDir: string;

    before(async () => {
      cluster = new PrivateCluster(bin!);
      await cluster.startOnFreePort();
      dataDir = mkdtempSync(join(tmpdir(), 'facegate-faults-'));
    });
    after(async () => {
      child?.kill('SIGKILL');
      await child?.exited;
      cluster?.remove();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 503 while the database is down, recovers by itself and loses no accepted frame', async () => {
      child = await spawnApp('main', { DATA_DIR: dataDir, DATABASE_URL: cluster.url });
      const api = child.asTestApp();
      const admin: Session = await loginAsAdmin(api);
      const camera = await api
        .http()
        .post('/api/v1/cameras')
        .set(bearer(admin))
        .send({ name: 'Door', direction: 'in', source_type: 'kiosk' });
      assert.equal(camera.status, 201, JSON.stringify(camera.body));
      const cameraId = String((camera.body as Json).id);
      const photo = readFileSync(facePath('knn', 'test', 'obama1.jpg'));
      const statuses: (number | 'reset')[] = [];
      /**
       * One frame; null when the connection broke before an answer. A check that fails before the upload is read
       * (a rate-limit claim, a key lookup) answers 503 at once, and the server may close the connection while the
       * client is still writing the image (EPIPE): such a frame was not accepted, and a camera sends it again.
       */
      const post = async () => {
        try {
          const answer = await api
            .http()
            .post(`/api/v1/cameras/${cameraId}/frames`)
            .set(bearer(admin))
            .attach('image', photo, 'frame.jpg');
          statuses.push(answer.status);
          return answer;
        } catch (error) {
          if (!/EPIPE|ECONNRESET/.test(String((error as Error).message))) throw error;
          statuses.push('reset');
          return null;
        }
      };
      const output = () => child!.output().split('\n').slice(-40).join('\n');

      for (let i = 0; i < 3; i++) assert.ok([200, 201].includes((await post())?.status ?? 0));
      cluster.stop();
      let down = await post();
      for (let retry = 0; retry < 5 && !down; retry++) down = await post();
      assert.ok(down, `no answer while the database is down: ${statuses.join(' ')}\n${output()}`);
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal((down.body as Json).error, 'database_unavailable');
      assert.ok(down.headers['retry-after'], 'Retry-After while the database is down');
      assert.equal((await api.http().get('/readyz')).status, 503);
      cluster.start();
      const deadline = Date.now() + 30_000;
      let recovered = false;
      while (!recovered && Date.now() < deadline) {
        recovered = [200, 201].includes((await post())?.status ?? 0);
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(recovered, `frames accepted again within 30 s: ${statuses.join(' ')}`);
      for (let i = 0; i < 3; i++) assert.ok([200, 201].includes((await post())?.status ?? 0));
      assert.equal((await api.http().get('/readyz')).status, 200);

      assert.deepEqual(
        statuses.filter((status) => ![200, 201, 503, 'reset'].includes(status)),
        [],
        `only accepted, 503 or a connection closed before the answer: ${statuses.join(' ')}`,
      );
      // Every accepted frame (one face each, debounced into one event) is counted in the stored events.
      const accepted = statuses.filter((status) => status === 200 || status === 201).length;
      const db = new DataSource({ type: 'postgres', url: cluster.url });
      await db.initialize();
      try {
        const [{ seen }] = await db.query<{ seen: number }[]>(
          'SELECT coalesce(sum(seen_count), 0)::int AS seen FROM presence_events WHERE camera_id = $1',
          [cameraId],
        );
        assert.equal(seen, accepted);
      } finally {
        await db.destroy();
      }
      assert.equal(child.process.exitCode, null, 'the service kept running');
    });
  },
);
