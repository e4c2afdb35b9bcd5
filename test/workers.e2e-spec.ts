import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import type { Json } from './support/api-calls.js';
import { type ChildApp, spawnApp } from './support/child-app.js';
import {
  cloneDatabase,
  copyEmbeddedTemplate,
  dropDatabase,
  isDatabaseUrl,
  TEMPLATE_ENV,
} from './support/database-template.js';
import { createPerson, enrolPhotos, identify } from './support/people.js';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/** Ten photos make an enrolment that runs long enough (seconds) to be interrupted while it runs. */
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

    // In flight: an enrolment whose request waits for its job, which runs in this process.
    const enrolment = enrolPhotos(api, admin, person, TEN_PHOTOS).then((response) => response);
    const running = await eventually(
      async () => (await api.http().get('/api/v1/jobs?status=running').set(bearer(admin))).body as { results: Json[] },
      (page) => page.results.length === 1,
    );
    const sent = Date.now();
    child.kill('SIGTERM');

    const refused = await api
      .http()
      .get('/api/v1/auth/me')
      .set(bearer(admin))
      .then(
        (response) => `${response.status} ${(response.body as Json).error}`,
        (error: NodeJS.ErrnoException) => error.code ?? error.message,
      );
    // Refused either way: answered 503 while the server still accepts, or not accepted any more.
    assert.match(String(refused), /^503 shutting_down$|ECONNREFUSED|ECONNRESET|socket hang up/);

    const answer = await enrolment;
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal((answer.body as { accepted: Json[] }).accepted.length, TEN_PHOTOS.length);
    assert.ok(['io server disconnect', 'transport close'].includes(await socketClosed));
    const { code } = await child.exited;
    assert.equal(code, 0, child.output());
    assert.ok(Date.now() - sent < 60_000);
    assert.match(child.output(), /SIGTERM: stopping/);
    assert.equal(running.results[0].type, 'faces.enrol');
  });
});
