import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { bearer, createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import {
  collect,
  connectLive,
  createCamera,
  detection,
  nextEvent,
  pause,
  publish,
  request,
} from './support/live-client.js';
import { useTestApp } from './support/use-test-app.js';

describe('live events: subscriptions to a camera or location', () => {
  const ctx = useTestApp();
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  const connect = (session: Session) => connectLive(ctx.sut, { token: session.access_token }, sockets);
  const frameAt = (organizationId: string, cameraId: string, locationId: string | null = null) => ({
    organizationId,
    cameraId,
    locationId,
    streamUrl: null,
    frameTime: new Date().toISOString(),
    detections: [detection()],
  });

  async function createLocation(session: Session): Promise<string> {
    const response = await ctx.sut
      .http()
      .post('/api/v1/locations')
      .set(bearer(session))
      .send({ name: `Gate ${Date.now()}` });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body as { id: string }).id;
  }

  it('narrows the feed to the subscribed cameras and widens it again after the last unsubscribe', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const socket = await connect(admin);
    const heard = collect(socket, 'recognition');
    const [door, hall] = [await createCamera(ctx.sut, organizationId), await createCamera(ctx.sut, organizationId)];
    assert.deepEqual(await request(socket, 'subscribe', { camera_id: door }), { ok: true });
    assert.deepEqual(await request(socket, 'subscribe', { camera_id: door }), { ok: true }, 'again: no change');
    await publish(ctx.sut, 'presence.recognized', frameAt(organizationId, hall));
    const fromDoor = nextEvent(socket, 'recognition');
    await publish(ctx.sut, 'presence.recognized', frameAt(organizationId, door));
    await fromDoor;
    await pause(250);
    assert.deepEqual(
      heard.map((event) => event.camera_id),
      [door],
      'the hall is not heard while subscribed to the door',
    );
    assert.deepEqual(await request(socket, 'unsubscribe', { camera_id: door }), { ok: true });
    const fromHall = nextEvent(socket, 'recognition');
    await publish(ctx.sut, 'presence.recognized', frameAt(organizationId, hall));
    assert.equal((await fromHall).camera_id, hall, 'back on the whole feed');
  });

  it('subscribes to a location of the organisation', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const location = await createLocation(admin);
    const socket = await connect(admin);
    const heard = collect(socket, 'camera.status');
    assert.deepEqual(await request(socket, 'subscribe', { location_id: location }), { ok: true });
    const camera = await createCamera(ctx.sut, organizationId, { locationId: location });
    const elsewhere = await createCamera(ctx.sut, organizationId);
    const at = new Date().toISOString();
    await publish(ctx.sut, 'camera.status', {
      organizationId,
      cameraId: elsewhere,
      locationId: null,
      status: 'online',
      at,
    });
    const status = nextEvent(socket, 'camera.status');
    await publish(ctx.sut, 'camera.status', {
      organizationId,
      cameraId: camera,
      locationId: location,
      status: 'online',
      at,
    });
    assert.equal((await status).camera_id, camera);
    await pause(250);
    assert.equal(heard.length, 1);
  });

  it("refuses another organisation's camera and location like unknown ones, and malformed requests", async () => {
    const mine = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const theirs = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const theirCamera = await createCamera(ctx.sut, theirs.organizationId);
    const theirLocation = await createLocation(theirs.admin);
    const socket = await connect(mine.admin);
    const heard = collect(socket, 'recognition');
    for (const body of [{ camera_id: theirCamera }, { location_id: theirLocation }]) {
      const answer = await request(socket, 'subscribe', body);
      assert.equal(answer.error, 'not_found', JSON.stringify(body));
    }
    const unknown = await request(socket, 'subscribe', { camera_id: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknown.error, 'not_found');
    for (const body of [
      null,
      'x',
      {},
      { camera_id: 'not-a-uuid' },
      { camera_id: theirCamera, location_id: theirLocation },
      { floor: theirCamera },
    ]) {
      const answer = await request(socket, 'subscribe', body);
      assert.equal(answer.error, 'validation_error', JSON.stringify(body));
    }
    await publish(ctx.sut, 'presence.recognized', frameAt(theirs.organizationId, theirCamera));
    await pause(250);
    assert.deepEqual(heard, [], 'a refused subscription hears nothing');
  });

  it('needs cameras:read to subscribe', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const teacher = await createUserAndLogin(ctx.sut, admin, undefined, 'teacher');
    const socket = await connect(teacher);
    const camera = await createCamera(ctx.sut, organizationId);
    const answer = await request(socket, 'subscribe', { camera_id: camera });
    assert.equal(answer.error, 'forbidden');
    assert.match(String(answer.message), /cameras:read/);
  });
});
