import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  bearer,
  createDepartment,
  createOrganizationWithAdmin,
  createUserAndLogin,
  type Session,
} from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createMiddayOrganization, localClock, markClassPhoto, overrideMark } from './support/class-sessions.js';
import { collect, connectLive, pause } from './support/live-client.js';
import { createEnrolledPerson, createPerson, photosOf } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
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

  it('counts the marks of held sessions by subject in the statistics, within department and person', async () => {
    const school = await createMiddayOrganization(context.sut, context.superAdmin, 'subjects');
    const calls = apiCalls(() => context.sut);
    const today = localClock(school.timeZone);
    const science = (await createDepartment(context.sut, school.admin, { code: 'SCI' })).id;
    const other = (await createDepartment(context.sut, school.admin, { code: 'OTHER' })).id;
    const [kim, lou] = [
      await createPerson(context.sut, school.admin, 'Kim', { kind: 'student', department_id: science }),
      await createPerson(context.sut, school.admin, 'Lou', { kind: 'student', department_id: science }),
    ];
    const held = async (subject: string, marks: [string, string][], end: 'close' | 'cancel') => {
      const session = expectStatus(
        await calls.send(school.admin, 'post', '/attendance/sessions', {
          department_id: science,
          subject,
          date: today.today,
          start_time: today.at(-30),
          end_time: today.at(60),
        }),
        201,
      );
      const id = String(session.id);
      for (const [person, status] of marks) {
        expectStatus(await overrideMark(context.sut, school.admin, id, person, { status, reason: 'Roll call' }), 200);
      }
      expectStatus(await calls.send(school.admin, 'post', `/attendance/sessions/${id}/${end}`), 200);
    };
    await held(
      'Biology',
      [
        [kim, 'present'],
        [lou, 'late'],
      ],
      'close',
    );
    await held('Biology', [[kim, 'excused']], 'close'); // Lou: absent at the close
    await held('Chemistry', [[kim, 'present']], 'close'); // Lou: absent at the close
    await held('Drama', [[kim, 'present']], 'cancel'); // never held: not counted
    const bySubject = async (filters = '') => {
      const answer = expectStatus(
        await calls.send(
          school.admin,
          'get',
          `/attendance/statistics?group_by=subject&date_from=${today.today}&date_to=${today.today}${filters}`,
        ),
        200,
      );
      return (answer.groups as Json[]).map((group) => [
        group.key,
        group.records,
        group.present,
        group.late,
        group.absent,
        group.excused,
        group.attendance_rate,
      ]);
    };
    assert.deepEqual(await bySubject(), [
      ['Biology', 4, 1, 1, 1, 1, 0.5],
      ['Chemistry', 2, 1, 0, 1, 0, 0.5],
    ]);
    assert.deepEqual(await bySubject(`&employee_id=${kim}`), [
      ['Biology', 2, 1, 0, 0, 1, 0.5],
      ['Chemistry', 1, 1, 0, 0, 0, 1],
    ]);
    assert.deepEqual(await bySubject(`&department_id=${other}`), []);
    // Each organisation counts its own sessions only.
    const ours = expectStatus(
      await send(
        admin,
        'get',
        `/attendance/statistics?group_by=subject&date_from=${clock.today}&date_to=${clock.today}`,
      ),
      200,
    );
    const subjects = (ours.groups as Json[]).map((group) => group.key);
    assert.ok(subjects.includes('Algebra'), String(subjects));
    assert.ok(!subjects.includes('Biology') && !subjects.includes('Chemistry'), String(subjects));
  });
});

const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
/** Who is in each group photo, in marking order (every face in them is one of the cast; stuart is in none). */
const GROUP_PHOTOS: [string, string[]][] = [
  ['bbt1.jpg', ['howard', 'leonard', 'raj', 'sheldon']],
  ['bbt2.jpg', ['leonard', 'raj', 'sheldon']],
  ['bbt3.jpg', ['howard', 'leonard', 'penny', 'raj', 'sheldon']],
  ['bbt4.jpg', ['amy', 'bernadette', 'leonard', 'penny', 'raj', 'sheldon']],
  ['bbt5.jpg', ['howard', 'leonard', 'penny', 'raj', 'sheldon']],
];

describe('class sessions marked from the bbt group photos', () => {
  // Late after 20 minutes (the default is 10): the first photo, 15 minutes in, still counts as on time.
  const context = useTestApp({ MODELS_DIR: sharedModelsDir, CLASS_LATE_AFTER_MINUTES: '20' });
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let clock: ReturnType<typeof localClock>;
  let physicsDept: string;
  let drama: string;
  const idToName = new Map<string, string>();
  /** Doubles of amy and penny (enrolled from the same crops), students of drama: never of the physics class. */
  const doubles = new Map<string, string>();

  before(async () => {
    let timeZone: string;
    ({ admin, timeZone } = await createMiddayOrganization(context.sut, context.superAdmin, 'bbt'));
    clock = localClock(timeZone);
    physicsDept = (await createDepartment(context.sut, admin, { code: 'PHYS' })).id;
    drama = (await createDepartment(context.sut, admin, { code: 'DRAMA' })).id;
    for (const name of CAST) {
      // Archive crops: grey, tight, printed-looking; liveness is for live captures.
      const fields = { first_name: name, kind: 'student', department_id: physicsDept };
      const enrolled = await createEnrolledPerson(context.sut, admin, photosOf('bbt', name), fields, {
        checkLiveness: false,
      });
      assert.ok(enrolled.accepted.length >= 3, `${name}: ${JSON.stringify(enrolled.rejected)}`);
      idToName.set(enrolled.id, name);
    }
    for (const name of ['amy', 'penny']) {
      const fields = { first_name: `${name}-double`, kind: 'student', department_id: drama };
      const enrolled = await createEnrolledPerson(context.sut, admin, photosOf('bbt', name), fields, {
        checkLiveness: false,
      });
      doubles.set(enrolled.id, name);
    }
  });

  const plan = async (departmentId: string) =>
    String(
      expectStatus(
        await send(admin, 'post', '/attendance/sessions', {
          department_id: departmentId,
          subject: 'Physics',
          date: clock.today,
          start_time: clock.at(-30),
          end_time: clock.at(60),
        }),
        201,
      ).id,
    );

  it('marks everyone in the five photos once, counts repeats, and marks stuart absent at the close', async () => {
    const sessionId = await plan(physicsDept);
    const socket = await connectLive(context.sut, { token: admin.access_token });
    const heard = collect<Json>(socket, 'attendance.marked');
    const seen = new Set<string>();
    const started = Date.now() - 30 * 60_000;
    let duplicates = 0;
    try {
      for (const [i, [photo, cast]] of GROUP_PHOTOS.entries()) {
        // The first photo is taken 15 minutes into the class (present); the others now, 30 minutes in (late).
        const takenAt = i === 0 ? new Date(started + 15 * 60_000) : undefined;
        const body = expectStatus(
          await markClassPhoto(context.sut, admin, sessionId, ['bbt', photo], takenAt),
          200,
          photo,
        );
        const marked = body.attendance_marked as Json[];
        const names = marked.map(
          (row) => idToName.get(String(row.employee_id)) ?? `stranger ${String(row.employee_id)}`,
        );
        console.log(`# ${photo}: ${String(body.faces_detected)} faces in ${String(body.processing_time_ms)} ms`);
        assert.deepEqual([...names].sort(), cast, `${photo}: who was marked`);
        assert.deepEqual(
          [body.faces_detected, body.faces_recognized, body.unrecognized],
          [cast.length, cast.length, []],
        );
        const expectedNew = cast.filter((name) => !seen.has(name));
        const summary = body.summary as Json;
        assert.deepEqual(
          [summary.total_marked, summary.new_marks, summary.duplicate_attempts],
          [cast.length, expectedNew.length, cast.length - expectedNew.length],
          photo,
        );
        for (const row of marked) {
          const name = idToName.get(String(row.employee_id))!;
          assert.equal(row.new_mark, !seen.has(name), `${photo}: ${name} new or repeated`);
          const firstPhoto = ['howard', 'leonard', 'raj', 'sheldon'].includes(name);
          assert.equal(row.status, firstPhoto ? 'present' : 'late', `${photo}: ${name}'s status`);
        }
        cast.forEach((name) => seen.add(name));
        duplicates += Number(summary.duplicate_attempts);
        assert.deepEqual(summary.session_attendance, {
          total: 8,
          present: seen.size,
          percentage: Math.round((seen.size / 8) * 1000) / 10,
        });
      }
      assert.equal(duplicates, 16, 'repeats over the five photos');
      await pause(200);
      const events = heard.filter((event) => event.session_id === sessionId);
      assert.equal(events.length, 7, 'one attendance.marked per new mark');
      assert.ok(events.every((event) => event.source === 'class_session' && event.date === clock.today));
    } finally {
      socket.close();
    }

    const detail = expectStatus(await send(admin, 'get', `/attendance/sessions/${sessionId}`), 200);
    const marks = detail.marks as Json[];
    assert.equal(marks.length, 7, 'one mark per student, nobody twice');
    assert.ok(
      marks.every((mark) => idToName.has(String(mark.employee_id))),
      'no student of drama',
    );
    const closed = expectStatus(await send(admin, 'post', `/attendance/sessions/${sessionId}/close`), 200);
    assert.deepEqual(closed.statistics, {
      total: 8,
      present: 4,
      late: 3,
      absent: 1,
      excused: 0,
      unmarked: 0,
      percentage: 87.5,
    });
    const after = expectStatus(await send(admin, 'get', `/attendance/sessions/${sessionId}`), 200);
    const absent = (after.marks as Json[]).filter((mark) => mark.status === 'absent');
    assert.deepEqual(
      absent.map((mark) => idToName.get(String(mark.employee_id))),
      ['stuart'],
    );
  });

  it('marks nobody twice when two photos of one class arrive at once', async () => {
    const sessionId = await plan(physicsDept);
    const answers = await Promise.all(
      ['bbt1.jpg', 'bbt3.jpg'].map(async (photo) =>
        expectStatus(await markClassPhoto(context.sut, admin, sessionId, ['bbt', photo]), 200, photo),
      ),
    );
    const summaries = answers.map((body) => body.summary as Json);
    // bbt1: howard, leonard, raj, sheldon; bbt3: the same and penny. Five students, four of them in both.
    assert.equal(
      summaries.reduce((sum, summary) => sum + Number(summary.new_marks), 0),
      5,
    );
    assert.equal(
      summaries.reduce((sum, summary) => sum + Number(summary.duplicate_attempts), 0),
      4,
    );
    const detail = expectStatus(await send(admin, 'get', `/attendance/sessions/${sessionId}`), 200);
    const names = (detail.marks as Json[]).map((mark) => idToName.get(String(mark.employee_id)));
    assert.deepEqual(names.sort(), ['howard', 'leonard', 'penny', 'raj', 'sheldon']);
  });

  it("identifies among the session's department only: others in the photo come back unrecognized with a crop", async () => {
    const sessionId = await plan(drama);
    const body = expectStatus(await markClassPhoto(context.sut, admin, sessionId, ['bbt', 'bbt4.jpg']), 200);
    const marked = (body.attendance_marked as Json[]).map((row) => doubles.get(String(row.employee_id)));
    assert.deepEqual(marked.sort(), ['amy', 'penny'], 'only the two drama students');
    const unrecognized = body.unrecognized as Json[];
    assert.equal(unrecognized.length, 4, 'bernadette, leonard, raj and sheldon are not in this class');
    for (const face of unrecognized) {
      assert.equal(face.reason, 'below_threshold');
      assert.equal((face.bbox as number[]).length, 4);
      const thumbnail = await context.sut.http().get(String(face.thumbnail_url)).set(bearer(admin));
      assert.equal(thumbnail.status, 200);
      assert.equal(thumbnail.headers['content-type'], 'image/jpeg');
    }
    const { admin: stranger } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const foreign = await context.sut.http().get(String(unrecognized[0].thumbnail_url)).set(bearer(stranger));
    assert.equal(foreign.status, 404, 'another organisation cannot see the crops');
    assert.deepEqual((body.summary as Json).session_attendance, { total: 2, present: 2, percentage: 100 });
  });

  it('returns faces under IDENTIFY_MIN_FACE_SIZE as too_small and marks nobody from them', async () => {
    const sessionId = await plan(physicsDept);
    // bbt1's four faces (103-119 px: howard, leonard, raj, sheldon) shrunk to 25-29 px, under the 40 px default.
    const path = facePath('bbt', 'bbt1.jpg');
    const { width = 0 } = await sharp(path).metadata();
    const small = await sharp(path)
      .resize(Math.round(width * 0.24))
      .jpeg({ quality: 95 })
      .toBuffer();
    const response = await context.sut
      .http()
      .post(`/api/v1/attendance/sessions/${sessionId}/mark`)
      .set(bearer(admin))
      .attach('image', small, 'small.jpg');
    const body = expectStatus(response, 200);
    assert.equal(body.faces_detected, 4, 'the faces are found');
    assert.deepEqual(body.attendance_marked, []);
    const unrecognized = body.unrecognized as Json[];
    assert.deepEqual(
      unrecognized.map((face) => face.reason),
      ['too_small', 'too_small', 'too_small', 'too_small'],
    );
    for (const face of unrecognized) {
      const [x1, y1, x2, y2] = face.bbox as number[];
      assert.ok(Math.min(x2 - x1, y2 - y1) < 40, `face box ${JSON.stringify(face.bbox)}`);
      assert.ok(face.thumbnail_url, 'a crop to mark by hand from');
    }
    assert.deepEqual((body.summary as Json).session_attendance, { total: 8, present: 0, percentage: 0 });
  });

  it('refuses a photo that is not an image, or taken in the future or on another day (400)', async () => {
    const sessionId = await plan(physicsDept);
    const notImage = await context.sut
      .http()
      .post(`/api/v1/attendance/sessions/${sessionId}/mark`)
      .set(bearer(admin))
      .attach('image', Buffer.from('not an image'), 'class.jpg');
    assert.ok([400, 415].includes(notImage.status), JSON.stringify(notImage.body));
    const future = await markClassPhoto(
      context.sut,
      admin,
      sessionId,
      ['bbt', 'bbt1.jpg'],
      new Date(Date.now() + 3_600_000),
    );
    assert.deepEqual(expectInvalidFields(future), ['taken_at']);
    const yesterday = await markClassPhoto(
      context.sut,
      admin,
      sessionId,
      ['bbt', 'bbt1.jpg'],
      new Date(Date.now() - 86_400_000),
    );
    assert.deepEqual(expectInvalidFields(yesterday), ['taken_at']);
    const none = expectStatus(await send(admin, 'get', `/attendance/sessions/${sessionId}`), 200);
    assert.deepEqual(none.marks, []);
  });
});
