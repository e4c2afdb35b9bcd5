import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  createDepartment,
  createOrganizationWithAdmin,
  createUserAndLogin,
  type Session,
} from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createMiddayOrganization, localClock, markClassPhoto, overrideMark } from './support/class-sessions.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

describe('class sessions: rules, teachers, states and tenants', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let teacher: Session;
  let clock: ReturnType<typeof localClock>;
  let mathsDept: string;
  let artDept: string;
  const students: string[] = [];

  before(async () => {
    let timeZone: string;
    ({ admin, timeZone } = await createMiddayOrganization(context.sut, context.superAdmin, 'classes'));
    clock = localClock(timeZone);
    mathsDept = (await createDepartment(context.sut, admin, { code: 'MATHS' })).id;
    artDept = (await createDepartment(context.sut, admin, { code: 'ART' })).id;
    teacher = await createUserAndLogin(context.sut, admin, 'tess', 'teacher');
    // The teacher's own person belongs to maths: maths is her department.
    await createPerson(context.sut, admin, 'Tess', { user_id: teacher.user.id, department_id: mathsDept });
    for (const name of ['Ann', 'Ben', 'Cid']) {
      students.push(await createPerson(context.sut, admin, name, { kind: 'student', department_id: mathsDept }));
    }
    // Neither a student of maths (an employee) nor of this class (art): never counted in maths.
    await createPerson(context.sut, admin, 'Eve', { kind: 'employee', department_id: mathsDept });
    await createPerson(context.sut, admin, 'Art', { kind: 'student', department_id: artDept });
  });

  const plan = (session: Session, fields: Json = {}) =>
    send(session, 'post', '/attendance/sessions', {
      department_id: mathsDept,
      subject: 'Algebra',
      date: clock.today,
      start_time: clock.at(-30),
      end_time: clock.at(60),
      ...fields,
    });

  it('refuses times at the edges with 400 naming the field', async () => {
    const cases: [Json, string[]][] = [
      [{ start_time: '10:00', end_time: '09:59', date: clock.day(1) }, ['end_time']],
      [{ start_time: '10:00', end_time: '10:00', date: clock.day(1) }, ['end_time']],
      [{ start_time: '08:00', end_time: '12:01', date: clock.day(1) }, ['end_time']],
      [{ date: clock.day(-1) }, ['date']],
      [{ start_time: clock.at(-120), end_time: clock.at(-1) }, ['end_time']],
      [{ date: clock.day(31), start_time: '09:00', end_time: '10:00' }, ['date']],
      [{ start_time: '9:00' }, ['start_time']],
      [{ department_id: '00000000-0000-4000-8000-000000000000' }, ['department_id']],
    ];
    for (const [fields, expected] of cases) {
      assert.deepEqual(expectInvalidFields(await plan(admin, fields), JSON.stringify(fields)), expected);
    }
    expectStatus(await plan(admin, { start_time: '08:00', end_time: '12:00', date: clock.day(1) }), 201, '4 h');
    expectStatus(await plan(admin, { start_time: '08:00', end_time: '09:00', date: clock.day(30) }), 201, '30 d');
  });

  it('creates a session under way with its figures: the students of the department only', async () => {
    const created = expectStatus(await plan(admin, { notes: 'Room 4' }), 201);
    assert.equal(created.status, 'active');
    assert.equal(created.start_time, clock.at(-30));
    assert.equal((created.department as Json).code, 'MATHS');
    assert.deepEqual(created.statistics, {
      total: 3,
      present: 0,
      late: 0,
      absent: 0,
      excused: 0,
      unmarked: 3,
      percentage: 0,
    });
  });

  it("lets a teacher run her own department's classes only (403 elsewhere), admins everywhere", async () => {
    const own = expectStatus(await plan(teacher), 201, 'own department');
    expectError(await plan(teacher, { department_id: artDept }), 403, 'forbidden');
    const art = expectStatus(await plan(admin, { department_id: artDept }), 201, 'admin in art');
    const artPath = `/attendance/sessions/${String(art.id)}`;
    expectError(await send(teacher, 'patch', artPath, { subject: 'Mine' }), 403, 'forbidden');
    expectError(await send(teacher, 'post', `${artPath}/close`), 403, 'forbidden');
    expectError(await send(teacher, 'post', `${artPath}/cancel`), 403, 'forbidden');
    expectError(
      await overrideMark(context.sut, teacher, String(art.id), students[0], { status: 'present', reason: 'seen' }),
      403,
      'forbidden',
    );
    const photo = await markClassPhoto(context.sut, teacher, String(art.id), ['bbt', 'bbt1.jpg']);
    expectError(photo, 403, 'forbidden');
    // Reading is attendance:read, for every department.
    expectStatus(await send(teacher, 'get', artPath), 200);
    expectStatus(await send(teacher, 'patch', `/attendance/sessions/${String(own.id)}`, { subject: 'Geometry' }), 200);
    // A department she manages is hers too.
    await send(admin, 'patch', `/departments/${artDept}`, { manager_id: teacher.user.id });
    expectStatus(await plan(teacher, { department_id: artDept }), 201, 'managed department');
    await send(admin, 'patch', `/departments/${artDept}`, { manager_id: null });
  });

  it('changes an active session under the same rules, then freezes it once completed or cancelled (409)', async () => {
    const session = expectStatus(await plan(admin), 201);
    const path = `/attendance/sessions/${String(session.id)}`;
    assert.deepEqual(expectInvalidFields(await send(admin, 'patch', path, { end_time: clock.at(300) })), ['end_time']);
    expectInvalidFields(await send(admin, 'patch', path, { department_id: artDept }));
    const changed = expectStatus(
      await send(admin, 'patch', path, { subject: 'Calculus', end_time: clock.at(90) }),
      200,
    );
    assert.deepEqual([changed.subject, changed.end_time], ['Calculus', clock.at(90)]);

    const closed = expectStatus(await send(admin, 'post', `${path}/close`), 200);
    assert.equal(closed.status, 'completed');
    assert.deepEqual(closed.statistics, {
      total: 3,
      present: 0,
      late: 0,
      absent: 3,
      excused: 0,
      unmarked: 0,
      percentage: 0,
    });
    const again = expectStatus(await send(admin, 'post', `${path}/close`), 200, 'close twice');
    assert.equal(again.closed_at, closed.closed_at);
    assert.equal((again.statistics as Json).absent, 3, 'nobody marked absent twice');
    expectError(await send(admin, 'patch', path, { subject: 'Late change' }), 409, 'conflict');
    expectError(await send(admin, 'post', `${path}/cancel`), 409, 'conflict');
    expectError(await markClassPhoto(context.sut, admin, String(session.id), ['bbt', 'bbt1.jpg']), 409, 'conflict');

    const cancelled = expectStatus(await plan(admin), 201);
    const cancelPath = `/attendance/sessions/${String(cancelled.id)}`;
    assert.equal(expectStatus(await send(admin, 'post', `${cancelPath}/cancel`), 200).status, 'cancelled');
    expectStatus(await send(admin, 'post', `${cancelPath}/cancel`), 200, 'cancel twice');
    expectError(await send(admin, 'patch', cancelPath, { notes: 'x' }), 409, 'conflict');
    expectError(await send(admin, 'post', `${cancelPath}/close`), 409, 'conflict');
    expectError(
      await overrideMark(context.sut, admin, String(cancelled.id), students[0], { status: 'present', reason: 'seen' }),
      409,
      'conflict',
    );
  });

  it('overrides a mark with a reason, audited with the old and new values; absent at close stays overridable', async () => {
    const session = expectStatus(await plan(admin), 201);
    const id = String(session.id);
    const [ann, ben] = students;
    expectInvalidFields(await overrideMark(context.sut, admin, id, ann, { status: 'present' }));
    expectInvalidFields(await overrideMark(context.sut, admin, id, ann, { status: 'gone', reason: 'Moved' }));
    const outsider = await createPerson(context.sut, admin, 'Out', { kind: 'student', department_id: artDept });
    expectError(
      await overrideMark(context.sut, admin, id, outsider, { status: 'present', reason: 'x y z' }),
      404,
      'not_found',
    );
    const excused = expectStatus(
      await overrideMark(context.sut, admin, id, ann, { status: 'excused', reason: 'Doctor' }),
      200,
    );
    assert.deepEqual([excused.status, excused.source, excused.reason], ['excused', 'manual', 'Doctor']);
    const closed = expectStatus(await send(admin, 'post', `/attendance/sessions/${id}/close`), 200);
    assert.deepEqual([(closed.statistics as Json).excused, (closed.statistics as Json).absent], [1, 2]);
    // Ben came with a note after the close: a completed session still takes a correction.
    const corrected = expectStatus(
      await overrideMark(context.sut, admin, id, ben, { status: 'late', reason: 'Was in the lab' }),
      200,
    );
    const audit = expectStatus(
      await send(admin, 'get', `/audit-logs?entity_type=class_session_mark&entity_id=${String(corrected.id)}`),
      200,
    );
    const [entry] = audit.results as Json[];
    assert.equal(entry.action, 'class_session.mark_overridden');
    assert.deepEqual(entry.old_values, { status: 'absent', source: 'close', reason: null });
    assert.equal((entry.new_values as Json).status, 'late');
    assert.equal((entry.new_values as Json).reason, 'Was in the lab');
    const detail = expectStatus(await send(admin, 'get', `/attendance/sessions/${id}`), 200);
    const statuses = Object.fromEntries((detail.marks as Json[]).map((mark) => [mark.employee_id, mark.status]));
    assert.deepEqual(statuses, { [ann]: 'excused', [ben]: 'late', [students[2]]: 'absent' });
  });

  it('lists with filters and pagination', async () => {
    const all = expectStatus(await send(admin, 'get', '/attendance/sessions?page_size=2'), 200);
    assert.ok(Number(all.count) >= 8);
    assert.equal((all.results as Json[]).length, 2);
    assert.ok(String(all.next).includes('page=2'));
    const completed = expectStatus(
      await send(admin, 'get', '/attendance/sessions?status=completed&page_size=100'),
      200,
    );
    assert.ok((completed.results as Json[]).every((row) => row.status === 'completed'));
    assert.equal(completed.count, 2);
    const art = expectStatus(await send(admin, 'get', `/attendance/sessions?department_id=${artDept}`), 200);
    assert.ok((art.results as Json[]).every((row) => row.department_id === artDept));
    const future = expectStatus(
      await send(admin, 'get', `/attendance/sessions?date_from=${clock.day(1)}&date_to=${clock.day(30)}`),
      200,
    );
    assert.equal(future.count, 2, 'the 4-hour session tomorrow and the one in 30 days');
    expectInvalidFields(await send(admin, 'get', '/attendance/sessions?status=over'));
  });

  it("keeps organisations apart: another organisation's sessions are 404, its departments not ours", async () => {
    const session = expectStatus(await plan(admin), 201);
    const path = `/attendance/sessions/${String(session.id)}`;
    const { admin: stranger } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    expectError(await send(stranger, 'get', path), 404, 'not_found');
    expectError(await send(stranger, 'patch', path, { subject: 'Mine' }), 404, 'not_found');
    expectError(await send(stranger, 'post', `${path}/close`), 404, 'not_found');
    expectError(await send(stranger, 'post', `${path}/cancel`), 404, 'not_found');
    expectError(await markClassPhoto(context.sut, stranger, String(session.id), ['bbt', 'bbt1.jpg']), 404, 'not_found');
    const override = await overrideMark(context.sut, stranger, String(session.id), students[0], {
      status: 'absent',
      reason: 'Not here',
    });
    expectError(override, 404, 'not_found');
    assert.equal(expectStatus(await send(stranger, 'get', '/attendance/sessions'), 200).count, 0);
    const theirs = await send(stranger, 'post', '/attendance/sessions', {
      department_id: mathsDept,
      subject: 'Theft',
      date: clock.today,
      start_time: '23:00',
      end_time: '23:30',
    });
    assert.deepEqual(expectInvalidFields(theirs), ['department_id']);
    const unchanged = expectStatus(await send(admin, 'get', path), 200);
    assert.deepEqual([unchanged.status, unchanged.subject], ['active', 'Algebra']);
  });
});
