import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeviceKeyVerifier } from '../src/access/device-principal.js';
import { CamerasService } from '../src/cameras/cameras.service.js';
import { createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { postFrame } from './support/presence-cameras.js';
import { retryWithin } from './support/retry-within.js';
import { spy } from './support/spy.js';

/** The private methods the read counts watch, reachable at run time. */
type Methods = Record<'lookup' | 'loadProfile', (...args: unknown[]) => unknown>;
import { startReplica, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/**
 * A camera posts many frames and is seldom edited: its key and the settings frame processing needs are cached per
 * instance (see AccessCache), and dropped by every change that ends or alters them: the next frame after the
 * change sees it, on the instance that made it at once, and on another instance on the same PostgreSQL as soon as
 * the change's notification arrives (within a second).
 */

const FACE = ['knn', 'test', 'obama1.jpg'];

interface Site {
  admin: Session;
  cameraId: string;
  keyId: string;
  apiKey: string;
}

async function site(sut: TestApp, superAdmin: Session): Promise<Site> {
  const { send } = apiCalls(() => sut);
  const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
  const camera = expectStatus(
    await send(admin, 'post', '/cameras', { name: 'Door', source_type: 'usb', direction: 'in' }),
    201,
  );
  const key = expectStatus(await send(admin, 'post', `/cameras/${String(camera.id)}/keys`), 201);
  return { admin, cameraId: String(camera.id), keyId: String(key.id), apiKey: String(key.api_key) };
}

/** A change to the site made through the API, and what the next frame of the camera answers after it. */
interface Change {
  make(sut: TestApp, site: Site): Promise<void>;
  status: number;
  error: string;
  /** How the camera is used before the change: a frame (the default), or a heartbeat (no events to keep it). */
  before?: 'heartbeat';
}

const CHANGES: Record<string, Change> = {
  'the key revoked': {
    make: async (sut, { admin, cameraId, keyId }) => {
      const { send } = apiCalls(() => sut);
      expectStatus(await send(admin, 'delete', `/cameras/${cameraId}/keys/${keyId}`), 204);
    },
    status: 401,
    error: 'invalid_api_key',
  },
  'the camera deactivated': {
    make: async (sut, { admin, cameraId }) => {
      const { send } = apiCalls(() => sut);
      expectStatus(await send(admin, 'patch', `/cameras/${cameraId}`, { is_active: false }), 200);
    },
    status: 401,
    error: 'invalid_api_key',
  },
  'the camera deleted': {
    make: async (sut, { admin, cameraId }) => {
      const { send } = apiCalls(() => sut);
      expectStatus(await send(admin, 'delete', `/cameras/${cameraId}`), 204);
    },
    status: 401,
    error: 'invalid_api_key',
    // A camera with presence events is kept (409): this one has only sent a heartbeat.
    before: 'heartbeat',
  },
};

/** Frame times ten minutes apart from a day ago, so that each face starts a new event (past the debounce window). */
const frameTime = (step: number) => new Date(Date.now() - 86_400_000 + step * 600_000).toISOString();

/** Uses the camera's key as `change` asks, so that the key (and with a frame, the camera) is cached. */
async function use(sut: TestApp, camera: Site, change: Change): Promise<void> {
  if (change.before !== 'heartbeat') {
    await eventTypeOfFrame(sut, camera, 0);
    return;
  }
  const answer = await sut.http().post(`/api/v1/cameras/${camera.cameraId}/heartbeat`).set('X-Api-Key', camera.apiKey);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

async function eventTypeOfFrame(sut: TestApp, { cameraId, apiKey }: Site, step: number): Promise<string> {
  const response = await postFrame(sut, cameraId, { apiKey }, FACE, { frameTime: frameTime(step) });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return String((response.body as { detections: Json[] }).detections[0].event_type);
}

describe('camera keys and settings answered from memory', () => {
  let sut: TestApp;
  let superAdmin: Session;
  before(async () => {
    sut = await startTestApp();
    superAdmin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  it('reads neither the key nor the camera again once the camera has posted a frame', async () => {
    const camera = await site(sut, superAdmin);
    await eventTypeOfFrame(sut, camera, 0);
    const reads = { keys: 0, cameras: 0 };
    const restore = [
      spy(sut.app.get<DeviceKeyVerifier, Methods>(DeviceKeyVerifier), 'lookup', () => (reads.keys += 1)),
      spy(sut.app.get<CamerasService, Methods>(CamerasService), 'loadProfile', () => (reads.cameras += 1)),
    ];
    try {
      for (let step = 1; step <= 3; step++) assert.equal(await eventTypeOfFrame(sut, camera, step), 'in');
      assert.deepEqual(reads, { keys: 0, cameras: 0 });
      // The counters do count: another camera's key and settings are read once.
      const other = await site(sut, superAdmin);
      await eventTypeOfFrame(sut, other, 0);
      await eventTypeOfFrame(sut, other, 1);
      assert.deepEqual(reads, { keys: 1, cameras: 1 });
    } finally {
      restore.forEach((undo) => undo());
    }
  });

  it("uses the camera's new settings from the next frame on", async () => {
    const camera = await site(sut, superAdmin);
    assert.equal(await eventTypeOfFrame(sut, camera, 0), 'in');
    const { send } = apiCalls(() => sut);
    expectStatus(await send(camera.admin, 'patch', `/cameras/${camera.cameraId}`, { direction: 'out' }), 200);
    assert.equal(await eventTypeOfFrame(sut, camera, 1), 'out');
  });

  for (const [name, change] of Object.entries(CHANGES)) {
    it(`refuses the next frame after ${name}`, async () => {
      const camera = await site(sut, superAdmin);
      await use(sut, camera, change);
      await change.make(sut, camera);
      const refused = await postFrame(sut, camera.cameraId, { apiKey: camera.apiKey }, FACE);
      expectError(refused, change.status, change.error);
    });
  }
});

describe(
  'camera keys and settings on a second instance',
  { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    let sut: TestApp;
    let replica: TestApp;
    let superAdmin: Session;
    before(async () => {
      sut = await startTestApp();
      replica = await startReplica(sut);
      superAdmin = await loginAsAdmin(sut);
    });
    after(async () => {
      await replica?.close();
      await sut?.close();
    });

    for (const [name, change] of Object.entries(CHANGES)) {
      it(`refuses on instance B, within a second, the next frame after ${name} on instance A`, async () => {
        const camera = await site(sut, superAdmin);
        await use(replica, camera, change);
        await change.make(sut, camera);
        const refused = await retryWithin(
          1000,
          () => postFrame(replica, camera.cameraId, { apiKey: camera.apiKey }, FACE),
          (response) => response.status === change.status,
        );
        expectError(refused, change.status, change.error);
      });
    }

    it("uses the camera's new settings on instance B from the next frame on", async () => {
      const camera = await site(sut, superAdmin);
      assert.equal(await eventTypeOfFrame(replica, camera, 0), 'in');
      const { send } = apiCalls(() => sut);
      expectStatus(await send(camera.admin, 'patch', `/cameras/${camera.cameraId}`, { direction: 'out' }), 200);
      let step = 0;
      const type = await retryWithin(
        1000,
        () => eventTypeOfFrame(replica, camera, (step += 1)),
        (answer) => answer === 'out',
      );
      assert.equal(type, 'out');
    });
  },
);
