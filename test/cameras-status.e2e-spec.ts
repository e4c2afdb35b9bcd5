import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import { CameraStatusMonitor } from '../src/cameras/camera-status-monitor.js';
import { CamerasService } from '../src/cameras/cameras.service.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import type { DomainEvents } from '../src/events/domain-events.js';
import { createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

type StatusEvent = DomainEvents['camera.status'];

const WINDOW_SECONDS = 2;

/** Polls `probe` until it returns true, for at most `ms`. */
async function eventually(probe: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

void describe('cameras: live status, camera.status events and health', () => {
  // A two-second window (short, yet long enough for a slow request inside it): the sweep runs every 500 ms.
  const context = useTestApp({ CAMERA_ONLINE_WINDOW_SECONDS: String(WINDOW_SECONDS) });
  const { send } = apiCalls(() => context.sut);
  const events: StatusEvent[] = [];
  let admin: Session;
  let organizationId: string;

  before(async () => {
    context.sut.app.get(DomainEventBus).on('camera.status', 'committed', (payload) => void events.push(payload));
    ({ admin, organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
  });

  const newCamera = async (body: object = {}) =>
    String(expectStatus(await send(admin, 'post', '/cameras', { name: 'Cam', source_type: 'usb', ...body }), 201).id);
  const eventsOf = (cameraId: string) => events.filter((event) => event.cameraId === cameraId);
  const camera = async (id: string) => expectStatus(await send(admin, 'get', `/cameras/${id}`), 200);

  it('goes online at a heartbeat and offline once the window passes, announcing each change once', async () => {
    const location = expectStatus(await send(admin, 'post', '/locations', { name: 'Hall' }), 201);
    const id = await newCamera({ location_id: location.id });
    assert.equal((await camera(id)).status, 'offline');
    assert.deepEqual(eventsOf(id), []);

    expectStatus(await send(admin, 'post', `/cameras/${id}/heartbeat`), 200);
    assert.equal((await camera(id)).status, 'online');
    expectStatus(await send(admin, 'post', `/cameras/${id}/heartbeat`), 200);
    const [online, ...more] = eventsOf(id);
    assert.deepEqual(more, [], 'a heartbeat while online announces nothing');
    assert.deepEqual(
      { ...online, at: undefined },
      {
        organizationId,
        cameraId: id,
        locationId: location.id,
        status: 'online',
        at: undefined,
      },
    );
    assert.ok(Math.abs(Date.parse(online.at) - Date.now()) < 5000);

    await eventually(() => eventsOf(id).length === 2, WINDOW_SECONDS * 1000 + 3000, 'the offline announcement');
    assert.equal(eventsOf(id)[1].status, 'offline');
    assert.equal((await camera(id)).status, 'offline');
    await sleep(600);
    assert.equal(eventsOf(id).length, 2, 'the sweep announces a change once, not at every run');
  });

  it('filters the list by live status', async () => {
    const quiet = await newCamera({ name: 'Quiet' });
    const busy = await newCamera({ name: 'Busy' });
    expectStatus(await send(admin, 'post', `/cameras/${busy}/heartbeat`), 200);
    const ids = async (status: string) =>
      ((expectStatus(await send(admin, 'get', `/cameras?status=${status}`), 200).results as Json[]) ?? []).map(
        (row) => row.id,
      );
    assert.ok((await ids('online')).includes(busy));
    assert.ok(!(await ids('online')).includes(quiet));
    assert.ok((await ids('offline')).includes(quiet));
  });

  it('counts processed frames into the health figures; a frame is a contact too', async () => {
    const id = await newCamera();
    const health = async () => expectStatus(await send(admin, 'get', `/cameras/${id}/health`), 200);
    assert.deepEqual(await health(), {
      status: 'offline',
      last_heartbeat_at: null,
      last_frame_at: null,
      frames_processed: 0,
      faces_processed: 0,
      error_count: 0,
      last_error: null,
      last_error_at: null,
      average_processing_ms: null,
    });
    const cameras = context.sut.app.get(CamerasService);
    await cameras.recordFrame(id, { faces: 3, processingMs: 30 });
    await cameras.recordFrame(id, { faces: 0, processingMs: 12.5, error: 'invalid_image' });
    const after = await health();
    assert.equal(after.status, 'online');
    assert.deepEqual(
      [after.frames_processed, after.faces_processed, after.error_count, after.last_error, after.average_processing_ms],
      [2, 3, 1, 'invalid_image', 21.25],
    );
    assert.equal(typeof after.last_frame_at, 'string');
    assert.equal(typeof after.last_error_at, 'string');
    assert.deepEqual(
      eventsOf(id).map((event) => event.status),
      ['online'],
    );
  });

  it('announces a change once when heartbeats and sweeps race (as on several instances)', async () => {
    const id = await newCamera();
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(admin, 'post', `/cameras/${id}/heartbeat`)));
    assert.deepEqual(
      answers.map((answer) => answer.status),
      Array(8).fill(200),
    );
    assert.deepEqual(
      eventsOf(id).map((event) => event.status),
      ['online'],
    );
    await sleep(WINDOW_SECONDS * 1000 + 100);
    const monitor = context.sut.app.get(CameraStatusMonitor);
    await Promise.all([monitor.sweep(), monitor.sweep(), monitor.sweep()]);
    await eventually(() => eventsOf(id).length >= 2, 2000, 'the offline announcement');
    await sleep(300);
    assert.deepEqual(
      eventsOf(id).map((event) => event.status),
      ['online', 'offline'],
    );
  });
});
