import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import {
  bearer,
  createOrganizationWithAdmin,
  createUserAndLogin,
  loginAsAdmin,
  type Session,
} from './support/api-client.js';
import { createCamera, createCameraKey } from './support/presence-cameras.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Incident = Json & { id: string; image_url: string | null; thumbnail_url: string | null; status: string };
type LogPage = { count: number; results: (Json & { action: string; severity: string | null })[] };

describe('security incidents and the security log', () => {
  let sut: TestApp;
  let superAdmin: Session;
  let admin: Session;
  let other: Session;
  let photo: Buffer;
  const { send } = apiCalls(() => sut);

  before(async () => {
    // Without the refresh grace window, a refresh token used twice is a reuse at once.
    sut = await startTestApp({ REFRESH_GRACE_SECONDS: '0' });
    superAdmin = await loginAsAdmin(sut);
    ({ admin } = await createOrganizationWithAdmin(sut, superAdmin));
    ({ admin: other } = await createOrganizationWithAdmin(sut, superAdmin));
    photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#a05030' } })
      .jpeg()
      .toBuffer();
  });
  after(() => sut.close());

  function report(session: Session, fields: Record<string, string>, image?: Buffer) {
    let request = sut.http().post('/api/v1/security/incidents').set(bearer(session));
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return image ? request.attach('image', image, 'incident.jpg') : request;
  }

  async function securityLog(session: Session, query: Record<string, string>): Promise<LogPage> {
    const response = await sut.http().get('/api/v1/security/audit-logs').set(bearer(session)).query(query);
    return expectStatus(response, 200) as unknown as LogPage;
  }

  it('reports an incident with a photo, served by its signed URL, and lists, reads and resolves it', async () => {
    const camera = await createCamera(sut, admin.user.organization_id);
    const created = expectStatus(
      await report(
        admin,
        {
          type: 'tailgating',
          severity: 'high',
          camera_id: camera.id,
          occurred_at: '2026-11-02T08:15:00Z',
          description: 'Two people through the turnstile on one badge',
        },
        photo,
      ),
      201,
    ) as Incident;
    assert.equal(created.status, 'open');
    assert.equal(created.camera_id, camera.id);
    assert.equal(created.reported_by, admin.user.id);
    assert.ok(created.image_url && created.thumbnail_url);
    const image = await sut.http().get(created.image_url);
    assert.equal(image.status, 200);
    assert.equal(image.headers['content-type'], 'image/jpeg');
    assert.equal((await sharp(image.body as Buffer).metadata()).width, 320);

    expectStatus(
      await report(admin, {
        type: 'spoof_attempt',
        severity: 'low',
        occurred_at: '2026-11-05T10:00:00Z',
        description: 'A printed photo held to the gate camera',
      }),
      201,
    );

    const list = (query: Record<string, string>) =>
      sut.http().get('/api/v1/security/incidents').set(bearer(admin)).query(query);
    const page = expectStatus(await list({}), 200) as { count: number; results: Incident[] };
    assert.equal(page.count, 2);
    assert.equal(page.results[0].type, 'spoof_attempt', 'latest first');
    const byType = expectStatus(await list({ type: 'tailgating' }), 200) as { results: Incident[] };
    assert.deepEqual(
      byType.results.map((incident) => incident.id),
      [created.id],
    );
    const bySeverity = expectStatus(await list({ severity: 'low' }), 200) as { results: Incident[] };
    assert.deepEqual(
      bySeverity.results.map((incident) => incident.type),
      ['spoof_attempt'],
    );
    const byDate = expectStatus(await list({ date_from: '2026-11-01', date_to: '2026-11-03' }), 200) as {
      results: Incident[];
    };
    assert.deepEqual(
      byDate.results.map((incident) => incident.id),
      [created.id],
    );
    const bySeverityRank = expectStatus(await list({ ordering: '-severity' }), 200) as { results: Incident[] };
    assert.equal(bySeverityRank.results[0].id, created.id, 'high before low');

    const read = expectStatus(await send(admin, 'get', `/security/incidents/${created.id}`), 200) as Incident;
    assert.equal(read.description, 'Two people through the turnstile on one badge');

    const resolved = expectStatus(
      await send(admin, 'patch', `/security/incidents/${created.id}`, {
        status: 'resolved',
        resolution: 'Badge withdrawn',
      }),
      200,
    ) as Incident;
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolved_by, admin.user.id);
    assert.ok(resolved.resolved_at);
    const open = expectStatus(await list({ status: 'open' }), 200) as { count: number };
    assert.equal(open.count, 1);

    const log = await securityLog(admin, { action: 'security.incident_created' });
    assert.equal(log.count, 2);
    assert.deepEqual(log.results.map((row) => row.severity).sort(), ['high', 'low']);
    const highOnly = await securityLog(admin, { action: 'security.incident_created', severity: 'high' });
    assert.equal(highOnly.results[0].entity_id, created.id);
  });

  it("answers 404 for another organisation's incidents and cameras, and lists none of them", async () => {
    const created = expectStatus(
      await report(admin, {
        type: 'other',
        severity: 'medium',
        occurred_at: '2026-11-06T10:00:00Z',
        description: 'Door left open',
      }),
      201,
    ) as Incident;
    expectError(await send(other, 'get', `/security/incidents/${created.id}`), 404, 'not_found');
    expectError(
      await send(other, 'patch', `/security/incidents/${created.id}`, { status: 'resolved' }),
      404,
      'not_found',
    );
    const theirs = expectStatus(await send(other, 'get', '/security/incidents'), 200) as { count: number };
    assert.equal(theirs.count, 0);
    const camera = await createCamera(sut, admin.user.organization_id);
    const withCamera = await report(other, {
      type: 'other',
      severity: 'low',
      camera_id: camera.id,
      occurred_at: '2026-11-06T10:00:00Z',
      description: 'Someone else’s camera',
    });
    expectError(withCamera, 404, 'not_found');
    const log = await securityLog(other, { action: 'security.incident_created' });
    assert.equal(log.count, 0);
  });

  it('refuses a bad incident, a file that is not an image, and callers without security permissions', async () => {
    const missing = await report(admin, { type: 'burglary', severity: 'urgent', occurred_at: 'yesterday' });
    expectError(missing, 400, 'validation_error');
    const notImage = await report(
      admin,
      { type: 'other', severity: 'low', occurred_at: '2026-11-06T10:00:00Z', description: 'x' },
      Buffer.from('not an image at all'),
    );
    expectError(notImage, 415, 'unsupported_media_type');
    const employee = await createUserAndLogin(sut, admin, undefined, 'employee');
    expectError(await send(employee, 'get', '/security/incidents'), 403, 'forbidden');
    expectError(await send(employee, 'get', '/security/audit-logs'), 403, 'forbidden');
  });

  it('logs failed logins with severity: in the account’s organisation, or for super admins when the name is unknown', async () => {
    const user = await createUserAndLogin(sut, admin, undefined, 'employee');
    const username = (await send(user, 'get', '/auth/me')).body as { username: string };
    const failed = await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ username: username.username, password: 'Wrong-1' });
    assert.equal(failed.status, 401);
    const log = await securityLog(admin, { action: 'auth.login_failed', user_id: user.user.id });
    assert.equal(log.count, 1);
    assert.equal(log.results[0].severity, 'medium');

    await sut.http().post('/api/v1/auth/login').send({ username: 'nobody-at-all', password: 'Wrong-1' });
    const own = await securityLog(admin, { action: 'auth.login_failed' });
    assert.ok(own.results.every((row) => row.organization_id === admin.user.organization_id));
    const everywhere = await securityLog(superAdmin, { action: 'auth.login_failed', all_organizations: 'true' });
    const unknown = everywhere.results.find((row) => (row.new_values as { login?: string }).login === 'nobody-at-all');
    assert.ok(unknown, 'the unknown name is in the installation-wide log');
    assert.equal(unknown.organization_id, null);
    expectError(
      await sut.http().get('/api/v1/security/audit-logs').set(bearer(admin)).query({ all_organizations: 'true' }),
      403,
      'forbidden',
    );
  });

  it('logs the first throttled login of an account in its window, once', async () => {
    const user = await createUserAndLogin(sut, admin, undefined, 'employee');
    const me = (await send(user, 'get', '/auth/me')).body as { username: string };
    const wrong = () => sut.http().post('/api/v1/auth/login').send({ username: me.username, password: 'Wrong-1' });
    for (let i = 0; i < 5; i++) expectError(await wrong(), 401, 'invalid_credentials');
    expectError(await wrong(), 429, 'too_many_login_attempts');
    expectError(await wrong(), 429, 'too_many_login_attempts');
    const log = await securityLog(admin, { action: 'security.throttled', user_id: user.user.id });
    assert.equal(log.count, 1);
    assert.equal(log.results[0].severity, 'medium');
    assert.equal((log.results[0].new_values as { limit: string }).limit, 'login_attempts');
  });

  it('logs a reused refresh token as high severity', async () => {
    const user = await createUserAndLogin(sut, admin, undefined, 'employee');
    const refresh = () => sut.http().post('/api/v1/auth/refresh').send({ refresh_token: user.refresh_token });
    assert.equal((await refresh()).status, 200);
    expectError(await refresh(), 401, 'token_reused');
    const log = await securityLog(admin, { action: 'auth.refresh_reused', user_id: user.user.id });
    assert.equal(log.count, 1);
    assert.equal(log.results[0].severity, 'high');
  });

  it('logs refused camera keys once per window: a revoked key in its organisation, an unknown one installation-wide', async () => {
    const camera = await createCamera(sut, admin.user.organization_id);
    const key = await createCameraKey(sut, camera);
    expectStatus(await send(admin, 'delete', `/cameras/${camera.id}/keys/${key.id}`), 204);
    const frame = (apiKey: string) => sut.http().post(`/api/v1/cameras/${camera.id}/frames`).set('X-Api-Key', apiKey);
    for (let i = 0; i < 3; i++) expectError(await frame(key.apiKey), 401, 'invalid_api_key');
    const log = await securityLog(admin, { action: 'security.camera_key_refused' });
    assert.equal(log.count, 1, 'three refusals, one row');
    assert.equal(log.results[0].severity, 'medium');
    assert.equal(log.results[0].entity_id, key.id);
    assert.equal((log.results[0].new_values as { reason: string }).reason, 'revoked');

    expectError(await frame('fgk_this-key-was-never-issued'), 401, 'invalid_api_key');
    const everywhere = await securityLog(superAdmin, {
      action: 'security.camera_key_refused',
      all_organizations: 'true',
    });
    const unknown = everywhere.results.find((row) => (row.new_values as { reason: string }).reason === 'unknown');
    assert.ok(unknown);
    assert.equal(unknown.organization_id, null);
    assert.equal((unknown.new_values as { key_prefix: string }).key_prefix, 'fgk_this');
  });

  it('logs a watchlisted visitor refused at the desk as high severity', async () => {
    const visitor = expectStatus(
      await send(admin, 'post', '/visitors', { id_number: '444455556666', full_name: 'Wanda Watched' }),
      201,
    );
    expectStatus(await send(admin, 'patch', `/visitors/${String(visitor.id)}`, { is_watchlisted: true }), 200);
    expectError(await send(admin, 'post', '/visits', { visitor_id: visitor.id }), 403, 'watchlisted');
    const log = await securityLog(admin, { action: 'visitor.watchlist_hit' });
    assert.equal(log.count, 1);
    assert.equal(log.results[0].severity, 'high');
    assert.equal(log.results[0].entity_id, visitor.id);
  });

  it('keeps ordinary writes out of the security log', async () => {
    expectStatus(await send(admin, 'post', '/departments', { name: 'Security desk', code: 'SECDESK' }), 201);
    const log = await securityLog(admin, { action: 'department.created' });
    assert.equal(log.count, 0);
    const response = await sut
      .http()
      .get('/api/v1/audit-logs')
      .set(bearer(admin))
      .query({ action: 'department.created' });
    const trail = expectStatus(response, 200) as { results: Json[] };
    assert.equal(trail.results[0].severity, null);
  });
});
