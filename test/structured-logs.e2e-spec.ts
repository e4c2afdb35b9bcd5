import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bearer, loginAsAdmin } from './support/api-client.js';
import { type ChildApp, spawnApp } from './support/child-app.js';
import {
  cloneDatabase,
  copyEmbeddedTemplate,
  dropDatabase,
  isDatabaseUrl,
  TEMPLATE_ENV,
} from './support/database-template.js';
import { ADMIN_PASSWORD, testDatabaseUrl } from './support/test-app.js';

type LogLine = Record<string, unknown> & { level: string; message: unknown };

/** Starts the built service as a child process on a database and data folder of its own. */
async function start(env: Record<string, string>): Promise<{ child: ChildApp; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-logs-'));
  const template = process.env[TEMPLATE_ENV];
  let databaseUrl: string | undefined;
  if (testDatabaseUrl && template && isDatabaseUrl(template))
    databaseUrl = await cloneDatabase(testDatabaseUrl, template);
  else if (template && !isDatabaseUrl(template)) copyEmbeddedTemplate(template, dataDir);
  const child = await spawnApp('main', {
    DATA_DIR: dataDir,
    ...env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  return {
    child,
    async stop() {
      child.kill('SIGKILL');
      await child.exited;
      if (databaseUrl && testDatabaseUrl) await dropDatabase(testDatabaseUrl, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the output holds a line the predicate accepts (the access line is written once the answer is sent). */
async function lineOf(child: ChildApp, accept: (line: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = child.output().split('\n').find(accept);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no such line in:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('structured logs of a real process', () => {
  const stops: (() => Promise<void>)[] = [];
  after(() => Promise.all(stops.map((stop) => stop())));

  it('LOG_FORMAT=json: every line is JSON, the access line carries route, status, duration, request and user ids', async () => {
    const { child, stop } = await start({ LOG_FORMAT: 'json', LOG_LEVEL: 'log' });
    stops.push(stop);
    const api = child.asTestApp();
    const admin = await loginAsAdmin(api);
    const response = await api
      .http()
      .get('/api/v1/departments?page_size=5')
      .set({ ...bearer(admin), 'X-Request-Id': 'logs-test-request-1' });
    assert.equal(response.status, 200);
    await lineOf(child, (line) => line.includes('logs-test-request-1'));

    const lines = child
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '');
    const parsed = lines.map((line) => JSON.parse(line) as LogLine);
    assert.ok(parsed.some((line) => String(line.message).startsWith('Listening on')));
    const access = parsed.filter((line) => line.request_id === 'logs-test-request-1');
    assert.equal(access.length, 1, JSON.stringify(access));
    const [line] = access;
    assert.equal(line.level, 'log');
    assert.equal(line.context, 'HTTP');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/api/v1/departments');
    assert.equal(line.status, 200);
    assert.equal(typeof line.duration_ms, 'number');
    assert.equal(line.user_id, admin.user.id);
    // The login answered too, with its own id and without its body.
    const login = parsed.find((entry) => entry.route === '/api/v1/auth/login');
    assert.ok(login && typeof login.request_id === 'string' && login.request_id !== line.request_id);
    assert.ok(!child.output().includes(ADMIN_PASSWORD));
    assert.ok(!child.output().includes(admin.access_token));
    assert.ok(!child.output().includes('page_size'));
  });

  it('LOG_FORMAT=pretty with ACCESS_LOG=false: text lines and no access line', async () => {
    const { child, stop } = await start({ LOG_FORMAT: 'pretty', ACCESS_LOG: 'false', LOG_LEVEL: 'log' });
    stops.push(stop);
    const api = child.asTestApp();
    await loginAsAdmin(api);
    const marker = await lineOf(child, (line) => line.includes('Listening on'));
    assert.throws(() => JSON.parse(marker) as unknown);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.doesNotMatch(child.output(), /POST \/api\/v1\/auth\/login \d{3}/);
    assert.match(child.output(), /Mapped \{\/api\/v1\/auth\/login, POST\} route/);
  });
});
