import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectStatus } from './support/api-calls.js';
import { indexedTemplateOf } from './support/gallery.js';
import { createPerson, enrollFaces, identify } from './support/people.js';
import {
  collect,
  connectLive,
  createCamera,
  detection,
  disconnection,
  nextEvent,
  pause,
  publish,
} from './support/live-client.js';
import { startReplica, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/** Polls `check` for up to a second (the goal for changes to reach every instance). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await pause(50);
  }
}

/**
 * Two API instances on one PostgreSQL database: an event published on one reaches sockets connected to the other,
 * ending a user's access on one disconnects their sockets on the other, and faces enrolled or deleted on one are
 * searched (or no longer) on the other. The embedded database runs one
 * instance only, so there is nothing to test there.
 */
describe(
  'two API instances on one database',
  { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    // Started here rather than with useTestApp: the replica must close before the first app drops the database.
    const context = { sut: undefined as unknown as TestApp, superAdmin: undefined as unknown as Session };
    const { send } = apiCalls(() => context.sut);
    let replica: TestApp | undefined;
    const sockets: Socket[] = [];
    before(async () => {
      context.sut = await startTestApp();
      context.superAdmin = await loginAsAdmin(context.sut);
      replica = await startReplica(context.sut);
    });
    after(async () => {
      await replica?.close();
      await context.sut?.close();
    });
    afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

    const connectTo = (app: TestApp, session: Session) => connectLive(app, { token: session.access_token }, sockets);

    it('delivers an event published on one instance to the organisation on the other, and to nobody else', async () => {
      const mine = await createOrganizationWithAdmin(context.sut, context.superAdmin);
      const theirs = await createOrganizationWithAdmin(context.sut, context.superAdmin);
      const [member, outsider] = await Promise.all([
        connectTo(replica!, mine.admin),
        connectTo(replica!, theirs.admin),
      ]);
      const outsiderHeard = collect(outsider, 'recognition');
      const heard = nextEvent(member, 'recognition', 10_000);
      const camera = await createCamera(context.sut, mine.organizationId);
      const seen = detection({ personId: null, matched: false, kind: 'unknown', personName: null, personCode: null });
      await publish(context.sut, 'presence.recognized', {
        organizationId: mine.organizationId,
        cameraId: camera,
        locationId: null,
        streamUrl: null,
        frameTime: new Date().toISOString(),
        detections: [seen],
      });
      const event = await heard;
      assert.equal(event.camera_id, camera);
      await pause(300);
      assert.deepEqual(outsiderHeard, []);
    });

    it("ends a user's sockets on every instance when their access is revoked", async () => {
      const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
      const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
      const onReplica = await connectTo(replica!, operator);
      const ended = nextEvent(onReplica, 'session.ended', 10_000);
      const gone = disconnection(onReplica, 10_000);
      expectStatus(await send(admin, 'patch', `/users/${operator.user.id}`, { is_active: false }), 200);
      assert.equal((await ended).reason, 'access_revoked');
      await gone;
    });

    it('searches a face enrolled on one instance on the other within a second, and forgets it after deletion', async () => {
      const { admin, organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
      const person = await createPerson(context.sut, admin, 'Biden');
      await enrollFaces(context.sut, admin, person, [['knn', 'train', 'biden', 'biden.jpg']]);
      const probe = ['knn', 'train', 'biden', 'biden.jpg'];
      const found = await eventually(async () => {
        const response = await identify(replica!, admin, probe);
        return response.body.faces?.[0]?.person?.id === person;
      });
      assert.ok(found, 'the other instance identifies the person enrolled on the first');
      expectStatus(await send(admin, 'delete', `/employees/${person}`), 204);
      const forgotten = await eventually(
        async () => (await indexedTemplateOf(replica!, organizationId, person, probe)) === undefined,
      );
      assert.ok(forgotten, "the other instance's index drops the deleted person's templates");
    });
  },
);
