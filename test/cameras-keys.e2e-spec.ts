import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { AccessCache } from '../src/sessions/access-cache.js';
import { createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

type Page = { count: number; results: Json[] };

void describe('cameras: device keys', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  const newCamera = async (admin: Session, name = 'Door') =>
    String(expectStatus(await send(admin, 'post', '/cameras', { name, source_type: 'usb' }), 201).id);

  const newKey = async (admin: Session, cameraId: string) =>
    expectStatus(await send(admin, 'post', `/cameras/${cameraId}/keys`), 201) as Json & { api_key: string };

  /** A heartbeat sent with a device key only (no bearer token). */
  const heartbeat = (cameraId: string, apiKey: string) =>
    context.sut.http().post(`/api/v1/cameras/${cameraId}/heartbeat`).set('X-Api-Key', apiKey);

  const keysOf = async (admin: Session, cameraId: string) =>
    (expectStatus(await send(admin, 'get', `/cameras/${cameraId}/keys`), 200) as unknown as Page).results;

  it('shows a new key once, lists it by prefix only, and stores only its hash', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const key = await newKey(admin, cameraId);
    assert.deepEqual(Object.keys(key).sort(), ['api_key', 'camera_id', 'created_at', 'id', 'prefix']);
    assert.match(key.api_key, /^fgc_[\w-]{43}$/);
    assert.ok(key.api_key.startsWith(String(key.prefix)) && String(key.prefix).length === 12);

    const [listed] = await keysOf(admin, cameraId);
    assert.deepEqual(listed, {
      id: key.id,
      camera_id: cameraId,
      prefix: key.prefix,
      created_at: key.created_at,
      created_by: admin.user.id,
      last_used_at: null,
      revoked_at: null,
    });
    const rows = await context.sut.app
      .get(DataSource)
      .query<Json[]>('SELECT * FROM camera_keys WHERE id = $1', [key.id]);
    assert.ok(!JSON.stringify(rows).includes(key.api_key));
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?entity_id=${cameraId}`), 200);
    assert.ok(!JSON.stringify(audit).includes(key.api_key));
    assert.ok((audit.results as Json[]).some((row) => row.action === 'camera_key.created'));
  });

  it("accepts the key for its own camera's heartbeat, and marks when it was last used", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const key = await newKey(admin, cameraId);
    const before = Date.now();
    const answer = await heartbeat(cameraId, key.api_key);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal((answer.body as Json).camera_id, cameraId);
    assert.equal((answer.body as Json).status, 'online');
    const [listed] = await keysOf(admin, cameraId);
    assert.ok(Date.parse(String(listed.last_used_at)) >= before - 1000, String(listed.last_used_at));
    const camera = expectStatus(await send(admin, 'get', `/cameras/${cameraId}`), 200);
    assert.equal(camera.status, 'online');
    assert.equal(camera.last_heartbeat_at, (answer.body as Json).last_heartbeat_at);
  });

  it('writes last_used_at at most once a minute', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const key = await newKey(admin, cameraId);
    assert.equal((await heartbeat(cameraId, key.api_key)).status, 200);
    const [first] = await keysOf(admin, cameraId);
    assert.equal((await heartbeat(cameraId, key.api_key)).status, 200);
    const [second] = await keysOf(admin, cameraId);
    assert.equal(second.last_used_at, first.last_used_at);
    // Once the last use is older than a minute, the next request marks it again. A minute is simulated: the last
    // use rewound in the database, and the key's cached row (which remembers when this instance marked it) dropped.
    await context.sut.app
      .get(DataSource)
      .query(`UPDATE camera_keys SET last_used_at = now() - interval '2 minutes' WHERE id = $1`, [key.id]);
    context.sut.app.get(AccessCache).drop({ cameraId });
    assert.equal((await heartbeat(cameraId, key.api_key)).status, 200);
    const [third] = await keysOf(admin, cameraId);
    assert.ok(Date.parse(String(third.last_used_at)) > Date.now() - 30_000);
  });

  it('refuses a missing, wrong or malformed key with 401', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const key = await newKey(admin, cameraId);
    const last = key.api_key.at(-1) === 'x' ? 'y' : 'x';
    for (const wrong of [`${key.api_key.slice(0, -1)}${last}`, 'fgc_nope', 'x'.repeat(500)]) {
      expectError(await heartbeat(cameraId, wrong), 401, 'invalid_api_key', wrong.slice(0, 20));
    }
    expectError(await context.sut.http().post(`/api/v1/cameras/${cameraId}/heartbeat`), 401, 'unauthorized');
    // Device keys open device routes only.
    const read = await context.sut.http().get(`/api/v1/cameras/${cameraId}`).set('X-Api-Key', key.api_key);
    assert.equal(read.status, 401);
  });

  it('refuses a revoked key at once, keeps it listed, and audits the revocation', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const revoked = await newKey(admin, cameraId);
    const kept = await newKey(admin, cameraId);
    assert.equal((await heartbeat(cameraId, revoked.api_key)).status, 200);
    assert.equal((await send(admin, 'delete', `/cameras/${cameraId}/keys/${String(revoked.id)}`)).status, 204);
    expectError(await heartbeat(cameraId, revoked.api_key), 401, 'invalid_api_key');
    assert.equal((await heartbeat(cameraId, kept.api_key)).status, 200, 'the other key still works');
    const keys = await keysOf(admin, cameraId);
    assert.deepEqual(
      keys.map((row) => [row.id, row.revoked_at === null]),
      [
        [kept.id, true],
        [revoked.id, false],
      ],
    );
    // Revoking again changes nothing; an unknown key of the camera is 404.
    assert.equal((await send(admin, 'delete', `/cameras/${cameraId}/keys/${String(revoked.id)}`)).status, 204);
    assert.deepEqual(await keysOf(admin, cameraId), keys);
    expectError(await send(admin, 'delete', `/cameras/${cameraId}/keys/${String(cameraId)}`), 404, 'not_found');
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?action=camera_key.revoked`), 200);
    assert.equal((audit.results as Json[]).length, 1);
  });

  it("refuses a key on another camera (404), also another organisation's, and on an inactive camera (401)", async () => {
    const a = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const b = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraA = await newCamera(a.admin, 'A');
    const otherOfA = await newCamera(a.admin, 'A2');
    const cameraB = await newCamera(b.admin, 'B');
    const keyA = await newKey(a.admin, cameraA);
    expectError(await heartbeat(otherOfA, keyA.api_key), 404, 'not_found');
    expectError(await heartbeat(cameraB, keyA.api_key), 404, 'not_found');
    const seen = expectStatus(await send(b.admin, 'get', `/cameras/${cameraB}`), 200);
    assert.equal(seen.last_heartbeat_at, null, "B's camera was not touched");
    const untouched = expectStatus(await send(a.admin, 'get', `/cameras/${otherOfA}`), 200);
    assert.equal(untouched.last_heartbeat_at, null, "A's other camera was not touched");

    expectStatus(await send(a.admin, 'patch', `/cameras/${cameraA}`, { is_active: false }), 200);
    expectError(await heartbeat(cameraA, keyA.api_key), 401, 'invalid_api_key');
    expectStatus(await send(a.admin, 'patch', `/cameras/${cameraA}`, { is_active: true }), 200);
    assert.equal((await heartbeat(cameraA, keyA.api_key)).status, 200, 'the key works again once active');
  });

  it("lets a user with cameras:write send a heartbeat for their organisation's camera", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cameraId = await newCamera(admin);
    const answer = expectStatus(await send(admin, 'post', `/cameras/${cameraId}/heartbeat`), 200);
    assert.equal(answer.status, 'online');
  });
});
