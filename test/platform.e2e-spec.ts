import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { bearer, createUserAndLogin, loginAsAdmin } from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

describe('platform', () => {
  const context = useTestApp();

  it('applies every migration to the empty database it started on', async () => {
    const applied = await context.sut.app
      .get(DataSource)
      .query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
    assert.deepEqual(
      applied.map((row) => row.name),
      migrations.map((migration) => migration.name),
    );
    assert.equal(await context.sut.app.get(DataSource).showMigrations(), false, 'no migration pending');
  });

  it('keeps data across a restart on the same database', async () => {
    const created = await context.sut
      .http()
      .post('/api/v1/locations')
      .set(bearer(context.superAdmin))
      .send({ name: 'Gate 1' });
    assert.equal(created.status, 201);
    await context.sut.restart();
    const again = await loginAsAdmin(context.sut);
    const read = await context.sut.http().get(`/api/v1/locations/${created.body.id}`).set(bearer(again));
    assert.equal(read.status, 200);
    assert.equal(read.body.name, 'Gate 1');
  });

  it('answers health and readiness', async () => {
    assert.deepEqual((await context.sut.http().get('/healthz')).body, { status: 'ok' });
    const ready = await context.sut.http().get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.database, 'up');
  });

  it('gives every response an X-Request-Id and echoes a sane one from the caller', async () => {
    const generated = await context.sut.http().get('/healthz');
    assert.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    const echoed = await context.sut.http().get('/healthz').set('X-Request-Id', 'edge-42');
    assert.equal(echoed.headers['x-request-id'], 'edge-42');
    const replaced = await context.sut.http().get('/healthz').set('X-Request-Id', 'bad id with spaces');
    assert.notEqual(replaced.headers['x-request-id'], 'bad id with spaces');
  });

  it('renders errors in one shape with the request id as trace_id', async () => {
    const notFound = await context.sut.http().get('/api/v1/no-such-route').set(bearer(context.superAdmin));
    assert.equal(notFound.status, 404);
    assert.deepEqual(Object.keys(notFound.body).sort(), ['error', 'message', 'trace_id']);
    assert.equal(notFound.body.error, 'not_found');
    assert.equal(notFound.body.trace_id, notFound.headers['x-request-id']);

    const invalid = await context.sut
      .http()
      .post('/api/v1/shifts')
      .set(bearer(context.superAdmin))
      .send({ name: '', start_time: '25:00' });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error, 'validation_error');
    const fields = invalid.body.details.map((detail: { field: string }) => detail.field).sort();
    assert.deepEqual(fields, ['end_time', 'name', 'start_time']);

    const malformed = await context.sut
      .http()
      .post('/api/v1/shifts')
      .set(bearer(context.superAdmin))
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error, 'invalid_json');
    assert.ok(malformed.body.trace_id);

    const tooLarge = await context.sut
      .http()
      .post('/api/v1/locations')
      .set(bearer(context.superAdmin))
      .send({ name: 'x', description: 'y'.repeat(2_000_000) });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error, 'payload_too_large');

    const badId = await context.sut.http().get('/api/v1/users/not-a-uuid').set(bearer(context.superAdmin));
    assert.equal(badId.status, 404);
  });

  it('answers 403 with the permission a role lacks', async () => {
    const employee = await createUserAndLogin(context.sut, context.superAdmin, 'plain-employee', 'employee');
    const response = await context.sut.http().get('/api/v1/users').set(bearer(employee));
    assert.equal(response.status, 403);
    assert.equal(response.body.error, 'forbidden');
    assert.match(response.body.message, /users:read/);
  });

  it('audits writes with the caller, address and redacted secrets', async () => {
    await createUserAndLogin(context.sut, context.superAdmin, 'audited', 'operator');
    const logs = await context.sut
      .http()
      .get('/api/v1/audit-logs?entity_type=user&action=user.created')
      .set(bearer(context.superAdmin));
    assert.equal(logs.status, 200);
    const entry = logs.body.results.find(
      (row: { new_values: { username?: string } }) => row.new_values.username === 'audited',
    );
    assert.ok(entry, 'user.created entry exists');
    assert.equal(entry.user_id, context.superAdmin.user.id);
    assert.ok(entry.ip);
    assert.ok(entry.request_id);
    assert.ok(!JSON.stringify(logs.body).includes('User-Pass-1'), 'no password in the audit log');
  });

  it('serves Swagger UI and an OpenAPI document with every route and bearer auth', async () => {
    const ui = await context.sut.http().get('/docs/');
    assert.equal(ui.status, 200);
    assert.match(ui.text, /swagger/i);
    const document = (await context.sut.http().get('/docs-json')).body;
    assert.ok(document.components.securitySchemes.bearer);
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/users/{id}',
      '/api/v1/roles',
      '/api/v1/organizations',
      '/api/v1/departments',
      '/api/v1/locations',
      '/api/v1/shifts',
      '/api/v1/audit-logs',
    ]) {
      assert.ok(document.paths[path], `${path} is documented`);
    }
    assert.ok(document.paths['/api/v1/users'].get.security, 'protected routes declare bearer auth');
    assert.equal(document.paths['/api/v1/users'].get.operationId, 'listUsers');
    const createUser = document.components.schemas.CreateUserDto;
    assert.deepEqual(createUser.required.sort(), ['email', 'full_name', 'password', 'role', 'username']);
    assert.ok(document.components.schemas.UserPageDto.properties.results, 'list schemas are documented');
  });
});

describe('CORS', () => {
  let sut: TestApp;

  before(async () => {
    sut = await startTestApp({ CORS_ORIGINS: 'https://admin.example.com' });
  });
  after(() => sut.close());

  it('answers preflights from allowed origins only', async () => {
    const allowed = await sut
      .http()
      .options('/api/v1/auth/login')
      .set('Origin', 'https://admin.example.com')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://admin.example.com');
    const other = await sut
      .http()
      .options('/api/v1/auth/login')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('sends Helmet security headers', async () => {
    const response = await sut.http().get('/healthz');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.ok(response.headers['strict-transport-security']);
  });
});
