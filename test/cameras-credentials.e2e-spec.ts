import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

/** Secrets that must never leave the database except through GET /cameras/:id/stream. */
const PASSWORD = 'Pw-9f3kQ-never-shown';
const URL_PASSWORD = 'Url-Pw-x7Zr2-hidden';
const QUERY_TOKEN = 'Query-Tok-55aa-hidden';
const SECRETS = [PASSWORD, URL_PASSWORD, QUERY_TOKEN];

void describe('cameras: credentials', () => {
  const context = useTestApp({ CAMERA_TEST_TIMEOUT_MS: '500' });
  const { send } = apiCalls(() => context.sut);
  /** Every response of this suite except the stream route's, checked for secrets at the end. */
  const seen: { what: string; body: string }[] = [];

  async function call(session: Session, method: Parameters<typeof send>[1], path: string, body?: object) {
    const response: Response = await send(session, method, path, body);
    seen.push({ what: `${method} ${path}`, body: JSON.stringify({ body: response.body, headers: response.headers }) });
    return response;
  }

  const sealedRow = async (id: string) => {
    const rows = await context.sut.app
      .get(DataSource)
      .query<Json[]>('SELECT source_url, sealed_credentials FROM cameras WHERE id = $1', [id]);
    return rows[0];
  };

  it('stores user name, password and URL secrets encrypted, and returns the URL without them', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const created = expectStatus(
      await call(admin, 'post', '/cameras', {
        name: 'Gate',
        source_type: 'rtsp',
        source_url: `rtsp://viewer:${URL_PASSWORD}@10.1.2.3:8554/live?channel=2`,
        password: PASSWORD,
      }),
      201,
    );
    assert.equal(created.source_url, 'rtsp://10.1.2.3:8554/live?channel=2');
    assert.equal(created.has_credentials, true);
    assert.equal('password' in created || 'username' in created || 'sealed_credentials' in created, false);

    const row = await sealedRow(String(created.id));
    assert.equal(row.source_url, 'rtsp://10.1.2.3:8554/live?channel=2');
    assert.match(String(row.sealed_credentials), /^v1\./);
    for (const secret of [...SECRETS, 'viewer']) assert.ok(!String(row.sealed_credentials).includes(secret));

    const stream = expectStatus(await send(admin, 'get', `/cameras/${String(created.id)}/stream`), 200);
    // The explicit password wins over the one in the URL; the URL's user name stays.
    assert.equal(stream.stream_url, `rtsp://viewer:${PASSWORD}@10.1.2.3:8554/live?channel=2`);
  });

  it('changes, keeps and clears credentials with PATCH; the stream URL follows', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const camera = expectStatus(
      await call(admin, 'post', '/cameras', {
        name: 'Snapshot',
        source_type: 'http',
        source_url: `http://cam.local/snapshot.cgi?res=720&token=${QUERY_TOKEN}`,
        username: 'op',
      }),
      201,
    );
    const path = `/cameras/${String(camera.id)}`;
    assert.equal(camera.source_url, 'http://cam.local/snapshot.cgi?res=720');
    const streamUrl = async () => expectStatus(await send(admin, 'get', `${path}/stream`), 200).stream_url;
    assert.equal(await streamUrl(), `http://op@cam.local/snapshot.cgi?res=720&token=${QUERY_TOKEN}`);

    expectStatus(await call(admin, 'patch', path, { name: 'Renamed', password: PASSWORD }), 200);
    assert.equal(await streamUrl(), `http://op:${PASSWORD}@cam.local/snapshot.cgi?res=720&token=${QUERY_TOKEN}`);

    // A new URL takes its query secrets with it; the user name and password stay unless it brings its own.
    expectStatus(await call(admin, 'patch', path, { source_url: 'https://cam.local/mjpeg' }), 200);
    assert.equal(await streamUrl(), `https://op:${PASSWORD}@cam.local/mjpeg`);

    const cleared = expectStatus(await call(admin, 'patch', path, { username: null, password: null }), 200);
    assert.equal(cleared.has_credentials, false);
    assert.equal((await sealedRow(String(camera.id))).sealed_credentials, null);
    assert.equal(await streamUrl(), 'https://cam.local/mjpeg');

    // The audit trail says what changed, from the stored result.
    const audit = expectStatus(
      await call(admin, 'get', `/audit-logs?entity_id=${String(camera.id)}&action=camera.updated`),
      200,
    );
    const changes = (audit.results as Json[]).map((row) => row.new_values as Json).reverse();
    assert.deepEqual(
      changes.map((values) => [values.name, values.source_url, values.stream_auth_changed]),
      [
        ['Renamed', 'http://cam.local/snapshot.cgi?res=720', true],
        ['Renamed', 'https://cam.local/mjpeg', true],
        ['Renamed', 'https://cam.local/mjpeg', true],
      ],
    );
  });

  it('shows the stream URL only with cameras:view_stream (admins), and audits each read without the URL', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const camera = expectStatus(
      await call(admin, 'post', '/cameras', {
        name: 'Vault',
        source_type: 'rtsp',
        source_url: `rtsp://guard:${URL_PASSWORD}@vault.local/main`,
      }),
      201,
    );
    const path = `/cameras/${String(camera.id)}`;
    for (const role of ['operator', 'manager']) {
      const session = await createUserAndLogin(context.sut, admin, undefined, role);
      expectStatus(await call(session, 'get', path), 200, role);
      expectError(await call(session, 'get', `${path}/stream`), 403, 'forbidden', role);
    }
    expectStatus(await send(admin, 'get', `${path}/stream`), 200);
    const audit = expectStatus(await call(admin, 'get', `/audit-logs?action=camera.stream_viewed`), 200);
    const entries = audit.results as Json[];
    assert.equal(entries.length, 1);
    assert.deepEqual([entries[0].entity_id, entries[0].user_id], [camera.id, admin.user.id]);
  });

  it('keeps every secret out of every response, the audit trail and the organisation list', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const camera = expectStatus(
      await call(admin, 'post', '/cameras', {
        name: 'Everything',
        source_type: 'http',
        source_url: `http://u:${URL_PASSWORD}@cam.local/x?pwd=${QUERY_TOKEN}`,
        password: PASSWORD,
      }),
      201,
    );
    const path = `/cameras/${String(camera.id)}`;
    await call(admin, 'patch', path, { password: `${PASSWORD}-2`, source_url: `http://u:${URL_PASSWORD}@cam.local/y` });
    await call(admin, 'get', path);
    await call(admin, 'get', '/cameras');
    await call(admin, 'get', `${path}/health`);
    await call(admin, 'post', `${path}/test`);
    await call(admin, 'post', `${path}/keys`);
    // A bad request that carries a password answers without it.
    await call(admin, 'post', '/cameras', { name: '', password: PASSWORD, source_url: `ftp://u:${URL_PASSWORD}@x/` });
    await call(admin, 'get', '/audit-logs?page_size=100');
    await call(context.superAdmin, 'get', '/audit-logs?all_organizations=true&entity_type=camera&page_size=100');
    await call(admin, 'delete', path);
    await call(admin, 'get', `/audit-logs?entity_id=${String(camera.id)}`);
    assert.ok(seen.length >= 20, `${seen.length} responses checked`);
    for (const { what, body } of seen) {
      for (const secret of SECRETS) assert.ok(!body.includes(secret), `${what} shows ${secret}`);
    }
  });
});
