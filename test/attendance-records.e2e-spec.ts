import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { Camera } from '../src/cameras/camera.entity.js';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { JobQueue } from '../src/jobs/job-queue.js';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const MONDAY = '2026-11-30';
const SATURDAY = '2026-11-28';
/** An instant given as wall-clock time in Kolkata (UTC+05:30), the organisation's zone. */
const ist = (local: string) => new Date(`${local}+05:30`).toISOString();

/** Daily records: made from sightings in the organisation's time zone, by hand with a reason, and by the daily close. */
describe('attendance records', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let organizationId: string;
  let gateIn: string;
  let gateOut: string;
  let shiftId: string;

  before(async () => {
    ({ admin, organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    const zone = { timezone: 'Asia/Kolkata' };
    expectStatus(await send(context.superAdmin, 'patch', `/organizations/${organizationId}`, zone), 200);
    const shift = await send(admin, 'post', '/shifts', {
      name: 'Day',
      start_time: '09:00',
      end_time: '17:00',
      grace_minutes: 5,
    });
    shiftId = String(expectStatus(shift, 201).id);
    const cameras = context.sut.app.get(DataSource).getRepository(Camera);
    gateIn = (await cameras.save({ organizationId, name: 'Gate in', direction: 'in' })).id;
    gateOut = (await cameras.save({ organizationId, name: 'Gate out', direction: 'out' })).id;
  });

  /** What presence publishes when a camera recognises `personId` at `at`. */
  const sighting = async (cameraId: string, direction: 'in' | 'out', personId: string, at: string) => {
    const bus = context.sut.app.get(DomainEventBus);
    await context.sut.app.get(DataSource).transaction((manager) =>
      bus.publish(manager, 'presence.recognized', {
        organizationId,
        cameraId,
        locationId: null,
        streamUrl: null,
        frameTime: at,
        detections: [
          {
            eventId: randomUUID(),
            isNewEvent: true,
            seenCount: 1,
            eventType: direction,
            reviewStatus: 'not_required',
            bbox: { x: 0, y: 0, width: 100, height: 100 },
            matched: true,
            personId,
            personName: 'Someone',
            personCode: 'X',
            kind: 'employee',
            matchConfidence: 0.93,
            liveness: null,
            isAnomaly: false,
            anomalyReason: null,
            thumbnailUrl: null,
            modelsUsed: [],
          },
        ],
      }),
    );
  };

  const recordOf = async (personId: string, date: string): Promise<Json> => {
    const page = expectStatus(
      await send(admin, 'get', `/attendance/records?employee_id=${personId}&date_from=${date}&date_to=${date}`),
      200,
    );
    assert.equal(page.count, 1, JSON.stringify(page));
    return (page.results as Json[])[0];
  };

  it('makes one record per local day from sightings: first in, last out, hours, lateness by the shift', async () => {
    const ada = await createPerson(context.sut, admin, 'Ada', { shift_id: shiftId });
    const ben = await createPerson(context.sut, admin, 'Ben', { shift_id: shiftId });
    await sighting(gateIn, 'in', ada, ist(`${MONDAY}T09:05:00`));
    await sighting(gateIn, 'in', ada, ist(`${MONDAY}T08:59:00`)); // an earlier one arriving late still wins
    await sighting(gateOut, 'out', ada, ist(`${MONDAY}T17:30:00`));
    await sighting(gateOut, 'out', ada, ist(`${MONDAY}T17:10:00`));
    await sighting(gateIn, 'in', ben, ist(`${MONDAY}T09:05:01`));
    const record = await recordOf(ada, MONDAY);
    assert.equal(record.status, 'present');
    assert.equal(record.check_in_at, ist(`${MONDAY}T08:59:00`));
    assert.equal(record.check_out_at, ist(`${MONDAY}T17:30:00`));
    assert.equal(record.work_hours, 8.52);
    assert.equal(record.camera_id, gateIn);
    assert.equal(record.source, 'presence');
    assert.equal((record.employee as Json).full_name, 'Ada Test');
    assert.equal((await recordOf(ben, MONDAY)).status, 'late');
    // 00:30 on Tuesday in Kolkata is still Monday in UTC: it counts for Tuesday.
    await sighting(gateIn, 'in', ben, ist('2026-12-01T00:30:00'));
    assert.equal((await recordOf(ben, '2026-12-01')).check_in_at, ist('2026-12-01T00:30:00'));
  });

  it('marks by hand with a reason, refuses a second record of the day, and audits corrections', async () => {
    const cleo = await createPerson(context.sut, admin, 'Cleo', { shift_id: shiftId });
    const missing = await send(admin, 'post', '/attendance/records', {
      employee_id: cleo,
      date: MONDAY,
      status: 'present',
    });
    assert.deepEqual(expectInvalidFields(missing), ['reason']);
    const reversed = await send(admin, 'post', '/attendance/records', {
      employee_id: cleo,
      date: MONDAY,
      status: 'present',
      check_in_at: ist(`${MONDAY}T10:00:00`),
      check_out_at: ist(`${MONDAY}T09:00:00`),
      reason: 'Badge reader down',
    });
    assert.deepEqual(expectInvalidFields(reversed), ['check_out_at']);
    const created = expectStatus(
      await send(admin, 'post', '/attendance/records', {
        employee_id: cleo,
        date: MONDAY,
        status: 'present',
        check_in_at: ist(`${MONDAY}T09:00:00`),
        reason: 'Badge reader down',
      }),
      201,
    );
    assert.equal(created.source, 'manual');
    assert.equal(created.reason, 'Badge reader down');
    const again = await send(admin, 'post', '/attendance/records', {
      employee_id: cleo,
      date: MONDAY,
      status: 'absent',
      reason: 'Twice',
    });
    expectError(again, 409, 'conflict');
    const corrected = expectStatus(
      await send(admin, 'patch', `/attendance/records/${String(created.id)}`, {
        check_out_at: ist(`${MONDAY}T11:00:00`),
        reason: 'Left early for a doctor',
      }),
      200,
    );
    assert.equal(corrected.status, 'half_day', 'the status follows the rules for the corrected times');
    assert.equal(corrected.work_hours, 2);
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?action=attendance.corrected`), 200);
    const entry = (audit.results as Json[]).find((row) => row.entity_id === created.id)!;
    assert.equal((entry.old_values as Json).status, 'present');
    assert.equal((entry.new_values as Json).status, 'half_day');
    assert.equal((entry.new_values as Json).reason, 'Left early for a doctor');
  });

  it("keeps each organisation's records to itself", async () => {
    const dora = await createPerson(context.sut, admin, 'Dora', { shift_id: shiftId });
    await sighting(gateIn, 'in', dora, ist(`${MONDAY}T09:00:00`));
    const record = await recordOf(dora, MONDAY);
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    expectError(await send(other, 'get', `/attendance/records/${String(record.id)}`), 404, 'not_found');
    const reason = 'Not yours';
    expectError(await send(other, 'patch', `/attendance/records/${String(record.id)}`, { reason }), 404, 'not_found');
    assert.equal(expectStatus(await send(other, 'get', '/attendance/records'), 200).count, 0);
    const foreign = await send(other, 'post', '/attendance/records', {
      employee_id: dora,
      date: MONDAY,
      status: 'present',
      reason,
    });
    assert.deepEqual(expectInvalidFields(foreign), ['employee_id']);
  });

  it('shows people their own records only', async () => {
    const user = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    const eve = await createPerson(context.sut, admin, 'Eve', { shift_id: shiftId, user_id: user.user.id });
    await sighting(gateIn, 'in', eve, ist(`${MONDAY}T09:00:00`));
    const own = expectStatus(await send(user, 'get', '/attendance/me'), 200);
    assert.equal(own.count, 1);
    assert.equal((own.results as Json[])[0].employee_id, eve);
    expectError(await send(user, 'get', '/attendance/records'), 403, 'forbidden');
  });

  it('closes a day once: absences on working days only, open records closed at the last sighting', async () => {
    const fay = await createPerson(context.sut, admin, 'Fay', { shift_id: shiftId });
    const gus = await createPerson(context.sut, admin, 'Gus', { shift_id: shiftId });
    // Both were on the books before the day closed (people added after a day are not absent from it).
    await context.sut.app
      .get(DataSource)
      .query(`UPDATE employees SET created_at = '2026-11-01' WHERE id = ANY($1::uuid[])`, [[fay, gus]]);
    const future = await send(admin, 'post', '/attendance/close', { date: '2099-01-05' });
    assert.deepEqual(expectInvalidFields(future), ['date']);
    await sighting(gateIn, 'in', gus, ist(`${MONDAY}T09:00:00`));
    await sighting(gateIn, 'in', gus, ist(`${MONDAY}T12:00:00`)); // seen again, never through an out camera
    const close = async (date: string) => {
      const job = expectStatus(await send(admin, 'post', '/attendance/close', { date }), 202);
      const done = await context.sut.app.get(JobQueue).waitFor(String(job.id), 30_000);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      return done.result as Json;
    };
    const first = await close(MONDAY);
    assert.ok(Number(first.absent) >= 1, JSON.stringify(first));
    assert.equal((await recordOf(fay, MONDAY)).status, 'absent');
    const gusDay = await recordOf(gus, MONDAY);
    assert.equal(gusDay.check_out_at, ist(`${MONDAY}T12:00:00`));
    assert.equal(gusDay.status, 'half_day');
    assert.ok(gusDay.closed_at);
    const second = await close(MONDAY);
    assert.deepEqual(
      [second.absent, second.excused, second.closed_open_records],
      [0, 0, 0],
      'a second close changes nothing',
    );
    const weekend = await close(SATURDAY);
    assert.equal(weekend.absent, 0);
    const saturday = expectStatus(
      await send(admin, 'get', `/attendance/records?employee_id=${fay}&date_from=${SATURDAY}&date_to=${SATURDAY}`),
      200,
    );
    assert.equal(saturday.count, 0);
  });

  it("closes each organisation's day even while another organisation's close of that date is running", async () => {
    const date = '2026-11-24';
    const first = expectStatus(await send(admin, 'post', '/attendance/close', { date }), 202);
    await context.sut.app.get(JobQueue).waitFor(String(first.id), 30_000);
    // As if it were still running (a long close on another instance).
    await context.sut.app.get(DataSource).query(`UPDATE jobs SET status = 'running' WHERE id = $1`, [first.id]);
    try {
      const other = await createOrganizationWithAdmin(context.sut, context.superAdmin);
      const mine = expectStatus(await send(other.admin, 'post', '/attendance/close', { date }), 202);
      assert.notEqual(mine.id, first.id, "another organisation's job was answered");
      const done = await context.sut.app.get(JobQueue).waitFor(String(mine.id), 30_000);
      assert.equal(done.status, 'completed', JSON.stringify(done));
      assert.equal(done.organizationId, other.organizationId);
    } finally {
      await context.sut.app.get(DataSource).query(`UPDATE jobs SET status = 'completed' WHERE id = $1`, [first.id]);
    }
  });
});
