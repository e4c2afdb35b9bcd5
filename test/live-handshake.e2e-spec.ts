import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { CameraKey } from '../src/cameras/camera-key.entity.js';
import { Camera } from '../src/cameras/camera.entity.js';
import { createOrganizationWithAdmin, createUserAndLogin } from './support/api-client.js';
import {
  claimsOf,
  collect,
  connectLive,
  createCamera,
  createCameraKey,
  detection,
  nextEvent,
  pause,
  publish,
  refusalOf,
  request,
  signHs256,
} from './support/live-client.js';
import { useTestApp } from './support/use-test-app.js';

describe('live events: who may connect', () => {
  const ctx = useTestApp();
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  const frame = (organizationId: string, cameraId: string) => ({
    organizationId,
    cameraId,
    locationId: null,
    streamUrl: null,
    frameTime: new Date().toISOString(),
    detections: [detection()],
  });

  it('refuses a socket with no credentials, with the code HTTP would answer', async () => {
    for (const auth of [undefined, {}, { other: 'x' }]) {
      const refusal = await refusalOf(ctx.sut, auth);
      assert.equal(refusal.data?.error, 'unauthorized', JSON.stringify(auth));
      assert.match(refusal.message, /auth: \{ token \}/);
    }
  });

  it('refuses the main namespace, even with a valid token: only /events is served', async () => {
    const port = ((ctx.sut.app.getHttpServer() as Server).address() as AddressInfo).port;
    const root = io(`http://127.0.0.1:${port}/`, {
      auth: { token: ctx.superAdmin.access_token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(root);
    const refusal = await new Promise<Error & { data?: { error: string } }>((resolve) =>
      root.once('connect_error', resolve),
    );
    assert.equal(refusal.data?.error, 'not_found');
  });

  it('refuses malformed, forged and expired access tokens', async () => {
    const secret = ctx.sut.config.jwtSecret;
    const claims = claimsOf(ctx.superAdmin.access_token);
    const now = Math.floor(Date.now() / 1000);
    const cases: [unknown, string][] = [
      ['abc', 'invalid_token'],
      [42, 'invalid_token'],
      ['x'.repeat(5000), 'invalid_token'],
      [signHs256(claims, 'another-secret-another-secret-another'), 'invalid_token'],
      [signHs256({ ...claims, exp: undefined }, secret), 'invalid_token'],
      [signHs256({ ...claims, iat: now - 120, exp: now - 60 }, secret), 'token_expired'],
    ];
    for (const [token, code] of cases) {
      const refusal = await refusalOf(ctx.sut, { token });
      assert.equal(refusal.data?.error, code, String(token).slice(0, 40));
    }
  });

  it('refuses the token of a login that has ended', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const user = await createUserAndLogin(ctx.sut, admin, undefined, 'operator');
    await connectLive(ctx.sut, { token: user.access_token }, sockets);
    const logout = await ctx.sut.http().post('/api/v1/auth/logout').send({ refresh_token: user.refresh_token });
    assert.equal(logout.status, 200);
    assert.equal((await refusalOf(ctx.sut, { token: user.access_token })).data?.error, 'session_ended');
  });

  it('lets only a super admin name another organisation', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const other = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const refusal = await refusalOf(ctx.sut, { token: admin.access_token, organizationId: other.organizationId });
    assert.equal(refusal.data?.error, 'forbidden');
    const unknown = await refusalOf(ctx.sut, {
      token: ctx.superAdmin.access_token,
      organizationId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(unknown.data?.error, 'not_found');
    const scoped = await connectLive(
      ctx.sut,
      { token: ctx.superAdmin.access_token, organizationId: other.organizationId },
      sockets,
    );
    const heard = collect(scoped, 'recognition');
    const camera = await createCamera(ctx.sut, other.organizationId);
    const received = nextEvent(scoped, 'recognition');
    await publish(ctx.sut, 'presence.recognized', frame(organizationId, await createCamera(ctx.sut, organizationId)));
    await publish(ctx.sut, 'presence.recognized', frame(other.organizationId, camera));
    assert.equal((await received).organization_id, other.organizationId);
    await pause(200);
    assert.deepEqual(
      heard.map((event) => event.organization_id),
      [other.organizationId],
      'a super admin scoped to one organisation hears only it',
    );
  });

  it("admits a camera key, which hears its own camera's events only", async () => {
    const { organizationId } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const camera = await createCamera(ctx.sut, organizationId);
    const neighbour = await createCamera(ctx.sut, organizationId);
    const { apiKey } = await createCameraKey(ctx.sut, organizationId, camera);
    const device = await connectLive(ctx.sut, { apiKey }, sockets);
    const heard = collect(device, 'recognition');
    await publish(ctx.sut, 'presence.recognized', frame(organizationId, neighbour));
    const received = nextEvent(device, 'recognition');
    await publish(ctx.sut, 'presence.recognized', frame(organizationId, camera));
    assert.equal((await received).camera_id, camera);
    await pause(200);
    assert.deepEqual(
      heard.map((event) => event.camera_id),
      [camera],
    );
    const answer = await request(device, 'subscribe', { camera_id: neighbour });
    assert.equal(answer.error, 'forbidden', 'a key cannot subscribe to another camera');
  });

  it('refuses a wrong key, a revoked key and the key of a deactivated camera', async () => {
    const { organizationId } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const camera = await createCamera(ctx.sut, organizationId);
    const revoked = await createCameraKey(ctx.sut, organizationId, camera);
    const dataSource = ctx.sut.app.get(DataSource);
    await dataSource.getRepository(CameraKey).update({ id: revoked.id }, { revokedAt: new Date() });
    const idle = await createCamera(ctx.sut, organizationId);
    const idleKey = await createCameraKey(ctx.sut, organizationId, idle);
    await dataSource.getRepository(Camera).update({ id: idle }, { isActive: false });
    for (const apiKey of ['fgk_wrong', '', 7, revoked.apiKey, idleKey.apiKey]) {
      const refusal = await refusalOf(ctx.sut, { apiKey });
      assert.equal(refusal.data?.error, 'invalid_api_key', String(apiKey));
    }
  });
});
