import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

type Page = { count: number; next: string | null; previous: string | null; results: Json[] };

void describe('cameras: CRUD, validation and tenant isolation', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  async function organization(): Promise<{ admin: Session; locationId: string }> {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const location = expectStatus(await send(admin, 'post', '/locations', { name: 'Main gate' }), 201);
    return { admin, locationId: String(location.id) };
  }

  const createCamera = async (session: Session, body: object) =>
    expectStatus(await send(session, 'post', '/cameras', body), 201, 'create camera');

  const list = async (session: Session, query: string) =>
    expectStatus(await send(session, 'get', `/cameras${query}`), 200, query) as unknown as Page;

  it('creates, reads, changes and deletes a camera, auditing each write', async () => {
    const { admin, locationId } = await organization();
    const body = {
      name: '  Lobby east ',
      location_id: locationId,
      direction: 'in',
      source_type: 'rtsp',
      source_url: 'rtsp://10.0.0.5:554/stream1',
      fps: 15,
      resolution: '1280x720',
      confidence_threshold: 0.55,
      min_face_size: 48,
      liveness_check_enabled: true,
    };
    const created = await createCamera(admin, body);
    assert.deepEqual(
      { ...created, id: undefined, organization_id: undefined, created_at: undefined, updated_at: undefined },
      {
        id: undefined,
        organization_id: undefined,
        name: 'Lobby east',
        location_id: locationId,
        direction: 'in',
        source_type: 'rtsp',
        source_url: 'rtsp://10.0.0.5:554/stream1',
        has_credentials: false,
        fps: 15,
        resolution: '1280x720',
        confidence_threshold: 0.55,
        min_face_size: 48,
        liveness_check_enabled: true,
        is_active: true,
        status: 'offline',
        last_heartbeat_at: null,
        last_frame_at: null,
        created_at: undefined,
        updated_at: undefined,
      },
    );
    assert.equal(created.organization_id, admin.user.organization_id);
    const path = `/cameras/${String(created.id)}`;
    assert.deepEqual(expectStatus(await send(admin, 'get', path), 200), created);

    const changed = expectStatus(
      await send(admin, 'patch', path, { name: 'Lobby west', fps: null, location_id: null, is_active: false }),
      200,
    );
    assert.deepEqual(
      [changed.name, changed.fps, changed.location_id, changed.is_active],
      ['Lobby west', null, null, false],
    );
    assert.equal(changed.resolution, '1280x720', 'fields not sent stay as they were');

    assert.equal((await send(admin, 'delete', path)).status, 204);
    expectError(await send(admin, 'get', path), 404, 'not_found');
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?entity_id=${String(created.id)}`), 200) as Page;
    assert.deepEqual(audit.results.map((row) => row.action).sort(), [
      'camera.created',
      'camera.deleted',
      'camera.updated',
    ]);
  });

  it('names every invalid field: fps 1..60, resolution WxH, threshold 0..1, URL schemes, enums', async () => {
    const { admin } = await organization();
    const fields = expectInvalidFields(
      await send(admin, 'post', '/cameras', {
        name: '',
        direction: 'sideways',
        source_type: 'webcam',
        source_url: 'ftp://10.0.0.5/stream',
        fps: 61,
        resolution: '1280*720',
        confidence_threshold: 1.5,
        liveness_check_enabled: 'yes',
        location_id: 'not-a-uuid',
      }),
    );
    assert.deepEqual(fields, [
      'confidence_threshold',
      'direction',
      'fps',
      'liveness_check_enabled',
      'location_id',
      'name',
      'resolution',
      'source_type',
      'source_url',
    ]);
    for (const [body, field] of [
      [{ fps: 0 }, 'fps'],
      [{ fps: 2.5 }, 'fps'],
      [{ confidence_threshold: -0.1 }, 'confidence_threshold'],
      [{ resolution: '0x720' }, 'resolution'],
      [{ source_url: 'rtsp:no-host' }, 'source_url'],
      [{ source_url: 'file:///etc/passwd' }, 'source_url'],
      [{ unknown_field: 1 }, 'unknown_field'],
    ] as const) {
      const answer = await send(admin, 'post', '/cameras', { name: 'Cam', source_type: 'usb', ...body });
      assert.deepEqual(expectInvalidFields(answer, JSON.stringify(body)), [field]);
    }
  });

  it('requires a URL of the right scheme for rtsp and http cameras, and none for usb or kiosk', async () => {
    const { admin } = await organization();
    const invalid = async (body: object) => expectInvalidFields(await send(admin, 'post', '/cameras', body));
    assert.deepEqual(await invalid({ name: 'A', source_type: 'rtsp' }), ['source_url']);
    assert.deepEqual(await invalid({ name: 'A', source_type: 'http', source_url: 'rtsp://cam/x' }), ['source_url']);
    assert.deepEqual(await invalid({ name: 'A', source_type: 'rtsp', source_url: 'https://cam/x' }), ['source_url']);
    const kiosk = await createCamera(admin, { name: 'Desk kiosk', source_type: 'kiosk' });
    assert.equal(kiosk.source_url, null);
    await createCamera(admin, { name: 'Secure', source_type: 'rtsp', source_url: 'rtsps://cam.local/x' });
    // A change is checked against the whole camera: an rtsp camera may not lose its URL.
    const rtsp = await createCamera(admin, { name: 'R', source_type: 'rtsp', source_url: 'rtsp://cam/x' });
    const path = `/cameras/${String(rtsp.id)}`;
    assert.deepEqual(expectInvalidFields(await send(admin, 'patch', path, { source_url: null })), ['source_url']);
    assert.deepEqual(expectInvalidFields(await send(admin, 'patch', path, { source_type: 'http' })), ['source_url']);
    const usb = expectStatus(await send(admin, 'patch', path, { source_type: 'usb', source_url: null }), 200);
    assert.deepEqual([usb.source_type, usb.source_url], ['usb', null]);
  });

  it('refuses a location of another organisation, or none, as it would a missing one', async () => {
    const { admin } = await organization();
    const other = await organization();
    for (const locationId of [other.locationId, randomUUID()]) {
      const answer = await send(admin, 'post', '/cameras', { name: 'X', source_type: 'usb', location_id: locationId });
      assert.deepEqual(expectInvalidFields(answer), ['location_id']);
    }
    const camera = await createCamera(admin, { name: 'X', source_type: 'usb' });
    const answer = await send(admin, 'patch', `/cameras/${String(camera.id)}`, { location_id: other.locationId });
    assert.deepEqual(expectInvalidFields(answer), ['location_id']);
  });

  it('lists with filters (location, active, status, search) and pagination', async () => {
    const { admin, locationId } = await organization();
    const usb = (name: string, extra: object = {}) => createCamera(admin, { name, source_type: 'usb', ...extra });
    await usb('Gate A', { location_id: locationId });
    await usb('Gate B', { location_id: locationId, is_active: false });
    await usb('Canteen');
    await usb('100%_real');
    const names = async (query: string) => (await list(admin, query)).results.map((row) => row.name);
    assert.deepEqual(await names(''), ['100%_real', 'Canteen', 'Gate A', 'Gate B']);
    assert.deepEqual(await names(`?location_id=${locationId}`), ['Gate A', 'Gate B']);
    assert.deepEqual(await names('?is_active=false'), ['Gate B']);
    assert.deepEqual(await names('?search=gate'), ['Gate A', 'Gate B']);
    assert.deepEqual(await names('?search=%25_'), ['100%_real'], 'LIKE wildcards are taken literally');
    assert.deepEqual(await names('?status=online'), []);
    assert.equal((await list(admin, '?status=offline')).count, 4);
    const page = await list(admin, '?page=2&page_size=3');
    assert.deepEqual([page.count, page.results.length, page.next], [4, 1, null]);
    assert.equal(page.previous, '/api/v1/cameras?page=1&page_size=3');
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/cameras?status=maybe&is_active=2')), [
      'is_active',
      'status',
    ]);
  });

  it('lets operators read but not write, and employees do neither', async () => {
    const { admin } = await organization();
    const camera = await createCamera(admin, { name: 'Door', source_type: 'usb' });
    const path = `/cameras/${String(camera.id)}`;
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const employee = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    expectStatus(await send(operator, 'get', path), 200);
    expectStatus(await send(operator, 'get', `${path}/health`), 200);
    expectError(await send(operator, 'patch', path, { name: 'Mine' }), 403, 'forbidden');
    expectError(await send(operator, 'post', '/cameras', { name: 'Mine', source_type: 'usb' }), 403, 'forbidden');
    expectError(await send(operator, 'post', `${path}/keys`), 403, 'forbidden');
    expectError(await send(employee, 'get', '/cameras'), 403, 'forbidden');
    expectError(await send(employee, 'get', path), 403, 'forbidden');
  });

  it("answers 404 on every route for another organisation's camera, and never lists it", async () => {
    const a = await organization();
    const b = await organization();
    const camera = await createCamera(a.admin, { name: 'A only', source_type: 'rtsp', source_url: 'rtsp://a/x' });
    const path = `/cameras/${String(camera.id)}`;
    const key = expectStatus(await send(a.admin, 'post', `${path}/keys`), 201);
    const calls: [Parameters<typeof send>[1], string, object?][] = [
      ['get', path],
      ['patch', path, { name: 'Taken' }],
      ['delete', path],
      ['post', `${path}/heartbeat`],
      ['get', `${path}/health`],
      ['get', `${path}/stream`],
      ['post', `${path}/test`],
      ['post', `${path}/keys`],
      ['get', `${path}/keys`],
      ['delete', `${path}/keys/${String(key.id)}`],
    ];
    for (const [method, route, body] of calls) {
      const theirs = await send(b.admin, method, route, body);
      expectError(theirs, 404, 'not_found', `${method} ${route}`);
      const missing = await send(b.admin, method, route.replace(String(camera.id), randomUUID()), body);
      assert.equal((theirs.body as Json).message, (missing.body as Json).message, `${method} ${route}`);
    }
    assert.equal((await list(b.admin, '')).count, 0);
    const still = expectStatus(await send(a.admin, 'get', path), 200);
    assert.equal(still.name, 'A only');
    const keys = expectStatus(await send(a.admin, 'get', `${path}/keys`), 200) as Page;
    assert.equal(keys.results[0].revoked_at, null);
  });
});
