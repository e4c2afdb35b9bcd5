import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { LiveSessionWatch } from '../src/live/live-session-watch.js';
import { bearer, createOrganizationWithAdmin, createUser, login } from './support/api-client.js';
import {
  claimsOf,
  connectLive,
  createCamera,
  createCameraKey,
  disconnection,
  nextEvent,
  signHs256,
} from './support/live-client.js';
import { useTestApp } from './support/use-test-app.js';

describe('live events: sockets end with their access', () => {
  const ctx = useTestApp();
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

  const connect = (token: string) => connectLive(ctx.sut, { token }, sockets);
  /** The reason the server gives, and the disconnection that follows it. */
  async function ending(socket: Socket, action: () => Promise<unknown>, timeoutMs = 5000) {
    const ended = nextEvent<{ reason: string; message: string }>(socket, 'session.ended', timeoutMs);
    const closed = disconnection(socket, timeoutMs);
    await action();
    const [{ reason }, how] = await Promise.all([ended, closed]);
    return { reason, how };
  }

  it('disconnects the sockets of a user deactivated through the users API, and only theirs', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const user = await createUser(ctx.sut, admin, undefined, 'operator');
    const session = await login(ctx.sut, user.username, user.password);
    const [first, second, adminSocket] = await Promise.all([
      connect(session.access_token),
      connect(session.access_token),
      connect(admin.access_token),
    ]);
    const secondClosed = disconnection(second);
    const result = await ending(first, async () => {
      const response = await ctx.sut
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set(bearer(admin))
        .send({ is_active: false });
      assert.equal(response.status, 200, JSON.stringify(response.body));
    });
    assert.deepEqual(result, { reason: 'access_revoked', how: 'io server disconnect' });
    assert.equal(await secondClosed, 'io server disconnect');
    assert.ok(adminSocket.connected, "the admin's socket stays");
  });

  it('disconnects a socket when its access token expires', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const claims = claimsOf(admin.access_token);
    const expiresIn = 2;
    const token = signHs256({ ...claims, exp: Math.floor(Date.now() / 1000) + expiresIn }, ctx.sut.config.jwtSecret);
    const started = Date.now();
    const socket = await connect(token);
    const result = await ending(socket, () => Promise.resolve(), 6000);
    assert.deepEqual(result, { reason: 'token_expired', how: 'io server disconnect' });
    assert.ok(Date.now() - started >= 900, 'not before the expiry');
  });

  it('ends sockets at the re-check when their organisation is deactivated or their login ended', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const other = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const watch = ctx.sut.app.get(LiveSessionWatch);
    const [adminSocket, otherSocket] = await Promise.all([
      connect(admin.access_token),
      connect(other.admin.access_token),
    ]);
    const deactivated = await ctx.sut
      .http()
      .delete(`/api/v1/organizations/${organizationId}`)
      .set(bearer(ctx.superAdmin));
    assert.equal(deactivated.status, 204);
    const result = await ending(adminSocket, () => watch.recheck());
    assert.equal(result.reason, 'organization_inactive');
    assert.ok(otherSocket.connected, 'another organisation is not affected');
    const logout = await ctx.sut.http().post('/api/v1/auth/logout').send({ refresh_token: other.admin.refresh_token });
    assert.equal(logout.status, 200);
    assert.equal((await ending(otherSocket, () => watch.recheck())).reason, 'session_ended');
  });

  it('ends a camera socket at the re-check once its key is revoked', async () => {
    const { admin, organizationId } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const camera = await createCamera(ctx.sut, organizationId);
    const key = await createCameraKey(ctx.sut, organizationId, camera);
    const socket = await connectLive(ctx.sut, { apiKey: key.apiKey }, sockets);
    const watch = ctx.sut.app.get(LiveSessionWatch);
    await watch.recheck();
    assert.ok(socket.connected, 'a live key passes the re-check');
    const revoked = await ctx.sut.http().delete(`/api/v1/cameras/${camera}/keys/${key.id}`).set(bearer(admin));
    assert.equal(revoked.status, 204, JSON.stringify(revoked.body));
    assert.equal((await ending(socket, () => watch.recheck())).reason, 'invalid_api_key');
  });
});
