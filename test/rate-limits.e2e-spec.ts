import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, createUser, type Session, USER_PASSWORD } from './support/api-client.js';
import { createCamera, createCameraKey } from './support/presence-cameras.js';
import { ADMIN_PASSWORD, startReplica, startTestApp, type TestApp, testDatabaseUrl } from './support/test-app.js';

/**
 * Small limits in every category. The app trusts X-Forwarded-For from loopback, so each test logs in from an
 * address of its own and the auth category's count of one test does not spill into another's.
 */
const SMALL_LIMITS = {
  TRUST_PROXY: 'loopback',
  RATE_LIMIT_AUTH: '3/60',
  RATE_LIMIT_VERIFICATION: '3/60',
  RATE_LIMIT_REPORTS: '2/60',
  RATE_LIMIT_FRAMES: '4/60',
  RATE_LIMIT_GENERAL: '20/3600',
};

let addressSequence = 0;
/** An address no other login of this file used. */
const freshAddress = () => `198.51.100.${++addressSequence}`;

function loginFrom(app: TestApp, address: string, username: string, password: string) {
  return app.http().post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ username, password });
}

async function sessionOf(app: TestApp, username: string, password: string): Promise<Session> {
  const response = await loginFrom(app, freshAddress(), username, password);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as Session;
}

function assertLimited(response: Response, category: string): void {
  assert.equal(response.status, 429, JSON.stringify(response.body));
  const body = response.body as { error: string; details: { category: string; retry_after: number } };
  assert.equal(body.error, 'rate_limited');
  assert.equal(body.details.category, category);
  const retryAfter = Number(response.headers['retry-after']);
  assert.ok(retryAfter >= 1, `Retry-After ${response.headers['retry-after']}`);
  assert.equal(response.headers['ratelimit-remaining'], '0');
}

/** Sends `count` requests one after another and answers their statuses. */
async function statusesOf(count: number, send: () => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await send()).status);
  return statuses;
}

describe('rate limits per category', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp(SMALL_LIMITS);
    admin = await sessionOf(sut, 'admin', ADMIN_PASSWORD);
  });
  after(() => sut.close());

  /** A new user of the admin's organisation, logged in from an address of its own. */
  async function newSession(role: string): Promise<Session> {
    const user = await createUser(sut, admin, undefined, role);
    return sessionOf(sut, user.username, USER_PASSWORD);
  }

  it('auth: the 4th login from one address answers 429, whatever the names; another address is counted apart', async () => {
    const address = freshAddress();
    const statuses = await statusesOf(3, () => loginFrom(sut, address, `nobody-${++addressSequence}`, 'Wrong-1'));
    assert.deepEqual(statuses, [401, 401, 401]);
    const limited = await loginFrom(sut, address, 'admin', ADMIN_PASSWORD);
    assertLimited(limited, 'auth');
    assert.equal(limited.headers['ratelimit-limit'], '3');
    assert.equal((await loginFrom(sut, freshAddress(), 'admin', ADMIN_PASSWORD)).status, 200);
  });

  it('auth: refresh and password-reset requests count in the same per-address budget', async () => {
    const address = freshAddress();
    const refresh = () =>
      sut.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', address).send({ refresh_token: 'nope' });
    const forgot = () =>
      sut
        .http()
        .post('/api/v1/auth/forgot-password')
        .set('X-Forwarded-For', address)
        .send({ email: 'nobody@example.com' });
    assert.deepEqual([(await refresh()).status, (await forgot()).status, (await refresh()).status], [401, 200, 401]);
    assertLimited(await forgot(), 'auth');
  });

  it('answers RateLimit headers on requests within the limit', async () => {
    const user = await newSession('employee');
    const response = await sut.http().get('/api/v1/auth/me').set(bearer(user));
    assert.equal(response.status, 200);
    assert.equal(response.headers['ratelimit-limit'], '20');
    assert.equal(response.headers['ratelimit-remaining'], '19');
    assert.equal(response.headers['ratelimit-policy'], '20;w=3600');
    assert.ok(Number(response.headers['ratelimit-reset']) > 3500);
  });

  it('general: the 21st authenticated request of a user answers 429; another user is counted apart', async () => {
    const first = await newSession('employee');
    const second = await newSession('employee');
    const me = (session: Session) => sut.http().get('/api/v1/auth/me').set(bearer(session));
    assert.deepEqual(await statusesOf(20, () => me(first)), Array<number>(20).fill(200));
    assertLimited(await me(first), 'general');
    assert.equal((await me(second)).status, 200);
  });

  it('verification: the 4th recognition request of a user answers 429, even when the requests were invalid', async () => {
    const first = await newSession('operator');
    const second = await newSession('operator');
    const detect = (session: Session) => sut.http().post('/api/v1/recognition/detect').set(bearer(session));
    const statuses = await statusesOf(3, () => detect(first));
    assert.ok(
      statuses.every((status) => status === 400 || status === 415),
      statuses.join(','),
    );
    assertLimited(await detect(first), 'verification');
    assert.notEqual((await detect(second)).status, 429);
    // Identification is in the same category (per user): the first user's budget is spent.
    assertLimited(await sut.http().post('/api/v1/recognition/identify').set(bearer(first)), 'verification');
  });

  it('reports: the 3rd attendance report of a user answers 429', async () => {
    const manager = await newSession('manager');
    const report = () => sut.http().get('/api/v1/reports/attendance').set(bearer(manager));
    const statuses = await statusesOf(2, report);
    assert.ok(!statuses.includes(429), statuses.join(','));
    assertLimited(await report(), 'reports');
  });

  it('frames: the 5th frame of a camera key answers 429; another key of the same camera is counted apart', async () => {
    const camera = await createCamera(sut, admin.user.organization_id);
    const [one, two] = [await createCameraKey(sut, camera), await createCameraKey(sut, camera)];
    const frame = (apiKey: string) => sut.http().post(`/api/v1/cameras/${camera.id}/frames`).set('X-Api-Key', apiKey);
    const statuses = await statusesOf(4, () => frame(one.apiKey));
    assert.ok(!statuses.includes(429), statuses.join(','));
    assertLimited(await frame(one.apiKey), 'frames');
    assert.notEqual((await frame(two.apiKey)).status, 429);
  });

  it('writes one security log row per key and window, however many requests are refused', async () => {
    const user = await newSession('employee');
    const me = () => sut.http().get('/api/v1/auth/me').set(bearer(user));
    await statusesOf(20, me);
    const refused = await statusesOf(5, me);
    assert.deepEqual(refused, [429, 429, 429, 429, 429]);
    const rows = await sut.app
      .get(DataSource)
      .query<{ severity: string; organization_id: string }[]>(
        `SELECT severity, organization_id FROM audit_logs WHERE action = 'security.rate_limited' AND user_id = $1`,
        [user.user.id],
      );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].severity, 'low');
    assert.equal(rows[0].organization_id, user.user.organization_id);
  });

  it('leaves health probes outside every limit', async () => {
    const statuses = await statusesOf(5, () => sut.http().get('/healthz'));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  });
});

describe('rate limits turned off', () => {
  let sut: TestApp;
  before(async () => {
    sut = await startTestApp({ ...SMALL_LIMITS, RATE_LIMITS: 'false' });
  });
  after(() => sut.close());

  it('lets every request through with RATE_LIMITS=false', async () => {
    const address = freshAddress();
    const statuses = await statusesOf(5, () =>
      sut.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', address).send({ refresh_token: 'nope' }),
    );
    assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  });
});

describe(
  'rate limits shared by two instances',
  { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    let sut: TestApp;
    let replica: TestApp;

    before(async () => {
      sut = await startTestApp(SMALL_LIMITS);
      replica = await startReplica(sut, SMALL_LIMITS);
    });
    after(async () => {
      await replica.close();
      await sut.close();
    });

    it('counts a user once across both instances', async () => {
      const admin = await sessionOf(sut, 'admin', ADMIN_PASSWORD);
      const instances = [sut, replica];
      const me = (i: number) => instances[i % 2].http().get('/api/v1/auth/me').set(bearer(admin));
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await me(i)).status);
      assert.deepEqual(statuses, Array<number>(20).fill(200));
      assertLimited(await me(0), 'general');
      assertLimited(await me(1), 'general');
    });

    it('counts an address once across both instances', async () => {
      const address = freshAddress();
      const refresh = (app: TestApp) =>
        app.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', address).send({ refresh_token: 'nope' });
      assert.deepEqual(
        [(await refresh(sut)).status, (await refresh(replica)).status, (await refresh(sut)).status],
        [401, 401, 401],
      );
      assertLimited(await refresh(replica), 'auth');
    });
  },
);
