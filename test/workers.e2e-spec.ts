import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import type { Json } from './support/api-calls.js';
import { bullmqStore, QUEUE_NAME } from '../src/jobs/drivers/bullmq-connection.js';
import { type ChildApp, spawnApp } from './support/child-app.js';
import {
  cloneDatabase,
  copyEmbeddedTemplate,
  dropDatabase,
  isDatabaseUrl,
  TEMPLATE_ENV,
} from './support/database-template.js';
import { createPerson, enrollPhotos, identify } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/** Ten photos make an enrollment that runs long enough (seconds) to be interrupted while it runs. */
const TEN_PHOTOS = Array.from({ length: 10 }, () => ['knn', 'train', 'biden', 'biden.jpg']);
const BIDEN = ['knn', 'train', 'biden', 'biden.jpg'];

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const jobOf = async (app: TestApp, session: Session, id: string) =>
  (await app.http().get(`/api/v1/jobs/${id}`).set(bearer(session))).body as Json & { status: string };

describe('graceful shutdown of a real process', () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let child: ChildApp | undefined;

  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'facegate-shutdown-'));
  });
  after(async () => {
    child?.kill('SIGKILL');
    await child?.exited;
    if (databaseUrl && testDatabaseUrl) await dropDatabase(testDatabaseUrl, databaseUrl);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('on SIGTERM refuses new requests, finishes the request and the job in flight, closes sockets and exits 0', async () => {
    const template = process.env[TEMPLATE_ENV];
    if (testDatabaseUrl) {
      assert.ok(template && isDatabaseUrl(template), 'the run made a template database');
      databaseUrl = await cloneDatabase(testDatabaseUrl, template);
    } else if (template) {
      copyEmbeddedTemplate(template, dataDir);
    }
    child = await spawnApp('main', {
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: '60000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    });
    const api = child.asTestApp();
    const admin = await loginAsAdmin(api);
    const person = await createPerson(api, admin);
    const socket = io(`http://127.0.0.1:${child.port}/events`, {
      auth: { token: admin.access_token },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('connect_error', reject));
    const socketClosed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    // In flight: an enrollment whose request waits for its job, which runs in this process.
    const enrollment = enrollPhotos(api, admin, person, TEN_PHOTOS).then((response) => response);
    const running = await eventually(
      async () => (await api.http().get('/api/v1/jobs?status=running').set(bearer(admin))).body as { results: Json[] },
      (page) => page.results.length === 1,
    );
    const sent = Date.now();
    child.kill('SIGTERM');
    await eventually(
      () => Promise.resolve(child!.output()),
      (output) => /SIGTERM: stopping/.test(output),
      10_000,
    );

    const refused = await api
      .http()
      .get('/api/v1/auth/me')
      .set(bearer(admin))
      .then(
        (response) => `${response.status} ${String((response.body as Json).error)}`,
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
    // Refused either way: answered 503 while the server still accepts, or not accepted any more.
    assert.match(String(refused), /^503 shutting_down$|ECONNREFUSED|ECONNRESET|socket hang up/);

    const answer = await enrollment;
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal((answer.body as { accepted: Json[] }).accepted.length, TEN_PHOTOS.length);
    assert.ok(['io server disconnect', 'transport close'].includes(await socketClosed));
    const { code } = await child.exited;
    assert.equal(code, 0, child.output());
    assert.ok(Date.now() - sent < 60_000);
    assert.match(child.output(), /SIGTERM: stopping/);
    assert.equal(running.results[0].type, 'faces.enroll');
  });
});

/**
 * An API instance that runs no jobs (WORKERS=false) and worker processes (`dist/src/worker.js`, as `npm run
 * worker`) on one PostgreSQL: jobs queued by the API run on a worker, and a job whose worker is killed runs again
 * on another and completes once. On Redis too when TEST_REDIS_URL is set.
 */
for (const store of ['postgres', 'redis'] as const) {
  const redisUrl = process.env.TEST_REDIS_URL;
  const skip = !testDatabaseUrl
    ? 'needs PostgreSQL (TEST_DATABASE_URL)'
    : store === 'redis' && !redisUrl
      ? 'needs Redis (TEST_REDIS_URL)'
      : false;
  describe(`an API and job workers on one database (queue on ${store})`, { skip }, () => {
    const queueEnv: Record<string, string> =
      store === 'redis' ? { REDIS_URL: redisUrl!, REDIS_PREFIX: `facegate-test-${process.pid}-${Date.now()}` } : {};
    let api: TestApp;
    let admin: Session;
    const workers: ChildApp[] = [];

    /**
     * A worker process on the API's database and DATA_DIR (staged and stored photos are files: in production the
     * API and its workers share that volume), with the API's secrets and a job lock of 2 s.
     */
    async function startWorker(): Promise<ChildApp> {
      const worker = await spawnApp('worker', {
        DATA_DIR: api.config.dataDir,
        DATABASE_URL: api.config.databaseUrl!,
        JWT_SECRET: api.config.jwtSecret,
        CAMERA_SECRETS_KEY: api.config.cameraSecretsKey.toString('base64'),
        VISITOR_ID_KEY: api.config.visitorIdKey.toString('base64'),
        JOB_LOCK_MS: '2000',
        ...queueEnv,
      });
      workers.push(worker);
      return worker;
    }

    before(async () => {
      api = await startTestApp({ WORKERS: 'false', JOB_LOCK_MS: '2000', ...queueEnv });
      admin = await loginAsAdmin(api);
    });
    afterEach(async () => {
      for (const worker of workers.splice(0)) {
        worker.kill('SIGTERM');
        await worker.exited;
      }
    });
    after(async () => {
      await api?.close();
      // The queue's keys on Redis are the test's (a prefix of its own): remove them.
      if (store === 'redis') await obliterateQueue(api.config);
    });

    it('runs a job queued by the API on a worker process, and the API searches what it stored', async () => {
      const person = await createPerson(api, admin);
      const job = await queueEnrollment(api, admin, person, [BIDEN]);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal((await jobOf(api, admin, job)).status, 'queued', 'the API runs no job');
      await startWorker();
      const done = await eventually(
        () => jobOf(api, admin, job),
        (state) => state.status === 'completed',
      );
      assert.equal((done.result as { accepted: Json[] }).accepted.length, 1);
      const found = await eventually(
        async () => (await identify(api, admin, BIDEN)).body as { faces?: { person?: { id: string } }[] },
        (body) => body.faces?.[0]?.person?.id === person,
        5000,
      );
      assert.ok(found);
    });

    it('runs a job again on another worker when its worker is killed mid-job, and completes it once', async () => {
      const person = await createPerson(api, admin);
      const first = await startWorker();
      const job = await queueEnrollment(api, admin, person, TEN_PHOTOS);
      await eventually(
        () => jobOf(api, admin, job),
        (state) => state.status === 'running',
      );
      first.kill('SIGKILL');
      assert.equal((await first.exited).signal, 'SIGKILL');
      assert.equal((await jobOf(api, admin, job)).status, 'running', 'killed mid-job');
      await startWorker();
      const done = await eventually(
        () => jobOf(api, admin, job),
        (state) => state.status === 'completed',
      );
      assert.equal(done.attempts, 2, 'one run was cut short, the second completed');
      assert.equal((done.result as { accepted: Json[] }).accepted.length, TEN_PHOTOS.length);
      const faces = (await api.http().get(`/api/v1/employees/${person}/faces`).set(bearer(admin))).body as Json;
      assert.equal(faces.count, TEN_PHOTOS.length, 'the photos were stored once, not twice');
    });
  });
}

/** Queues an enrollment through the API without waiting (202); answers its job id. */
async function queueEnrollment(app: TestApp, session: Session, person: string, photos: string[][]): Promise<string> {
  let request = app.http().post(`/api/v1/employees/${person}/faces`).set(bearer(session));
  for (const photo of photos) request = request.attach('images', readFileSync(facePath(...photo)), photo.at(-1));
  const response = await request;
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return String((response.body as Json).id);
}

async function obliterateQueue(config: TestApp['config']): Promise<void> {
  const { classes, options } = bullmqStore(config);
  const queue = new classes.Queue(QUEUE_NAME, options);
  await queue.obliterate({ force: true });
  await queue.close();
}
