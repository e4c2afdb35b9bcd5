import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectStatus } from './support/api-calls.js';
import { collect, connectLive, createCamera, detection, nextEvent, pause, publish } from './support/live-client.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** attendance.marked reaches the organisation's attendance readers and the person's own account, nobody else. */
describe('attendance on the live socket', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
  const connect = (session: Session) => connectLive(context.sut, { token: session.access_token }, sockets);

  it('pushes a check-in to the organisation and to the person, and to no other organisation', async () => {
    const mine = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const theirs = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const member = await createUserAndLogin(context.sut, mine.admin, undefined, 'employee');
    const person = await createPerson(context.sut, mine.admin, 'Ivy', { user_id: member.user.id });
    const bystander = await createUserAndLogin(context.sut, mine.admin, undefined, 'employee');
    const [admin, own, other, outsider] = await Promise.all([
      connect(mine.admin),
      connect(member),
      connect(bystander),
      connect(theirs.admin),
    ]);
    const otherHeard = collect(other, 'attendance.marked');
    const outsiderHeard = collect(outsider, 'attendance.marked');
    const adminHears = nextEvent(admin, 'attendance.marked');
    const ownHears = nextEvent(own, 'attendance.marked');
    const camera = await createCamera(context.sut, mine.organizationId, { direction: 'in' });
    const frameTime = new Date().toISOString();
    await publish(context.sut, 'presence.recognized', {
      organizationId: mine.organizationId,
      cameraId: camera,
      locationId: null,
      streamUrl: null,
      frameTime,
      detections: [detection({ personId: person, liveness: null })],
    });
    const [heard, ownHeard] = await Promise.all([adminHears, ownHears]);
    assert.equal(heard.person_id, person);
    assert.equal(heard.check_in_at, frameTime);
    assert.equal(heard.source, 'presence');
    assert.deepEqual(ownHeard, heard);
    const records = expectStatus(await send(mine.admin, 'get', `/attendance/records?employee_id=${person}`), 200);
    assert.equal((records.results as { id: string }[])[0].id, heard.record_id);
    await pause(250);
    assert.deepEqual(otherHeard, [], 'a colleague without attendance:read hears nothing');
    assert.deepEqual(outsiderHeard, [], 'another organisation hears nothing');
  });

  it('marks repeated sightings of an open event at most once per interval, and every new event', async () => {
    const mine = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const person = await createPerson(context.sut, mine.admin, 'Ada');
    const admin = await connect(mine.admin);
    const heard = collect(admin, 'attendance.marked');
    const camera = await createCamera(context.sut, mine.organizationId, { direction: 'out' });
    const start = Date.now() - 3_600_000;
    const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
    const sighting = (seconds: number, isNewEvent: boolean) =>
      publish(context.sut, 'presence.recognized', {
        organizationId: mine.organizationId,
        cameraId: camera,
        locationId: null,
        streamUrl: null,
        frameTime: at(seconds),
        detections: [detection({ personId: person, liveness: null, eventType: 'out', isNewEvent })],
      });
    await sighting(0, true);
    await sighting(2, false); // within PRESENCE_MARK_INTERVAL_SECONDS (10) of the last mark: counted into it
    await sighting(5, false);
    await sighting(12, false); // 12 s after the last mark: marked
    await sighting(13, true); // a new event is always marked
    const records = expectStatus(await send(mine.admin, 'get', `/attendance/records?employee_id=${person}`), 200);
    const [record] = records.results as { check_out_at: string }[];
    assert.equal(record.check_out_at, at(13));
    await pause(250);
    const times = (heard as { check_out_at: string }[]).map((event) => event.check_out_at);
    assert.deepEqual(times, [at(0), at(12), at(13)]);
  });
});
