import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  createDepartment,
  createOrganizationWithAdmin,
  createUserAndLogin,
  type Session,
} from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { type SeededAttendance, seedAttendance } from './support/attendance-seed.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const RANGE = 'date_from=2026-11-28&date_to=2026-12-07';

/** The counts of a group or trend point, without its key and label. */
function counts(entry: Json): Json {
  const { key: _key, label: _label, period_start: _start, ...rest } = entry;
  return rest;
}

const zero = {
  records: 0,
  present: 0,
  late: 0,
  half_day: 0,
  absent: 0,
  excused: 0,
  holiday: 0,
  weekend: 0,
  attended: 0,
  working_days: 0,
  attendance_rate: 0,
  late_rate: 0,
  work_hours: 0,
};

/** Statistics over the nine records of support/attendance-seed.ts, checked figure by figure. */
describe('attendance statistics', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let seed: SeededAttendance;
  let admin: Session;
  const statistics = async (query: string, session: Session = admin) =>
    expectStatus(await send(session, 'get', `/attendance/statistics?${query}`), 200);

  before(async () => {
    seed = await seedAttendance(context.sut, context.superAdmin);
    admin = seed.admin;
  });

  it('counts every status overall, with the rate over working days, lateness and work hours', async () => {
    const body = await statistics(`group_by=department&${RANGE}`);
    assert.equal(body.group_by, 'department');
    assert.deepEqual([body.date_from, body.date_to], ['2026-11-28', '2026-12-07']);
    assert.deepEqual(body.overall, {
      ...zero,
      records: 9,
      present: 3,
      late: 2,
      half_day: 1,
      absent: 1,
      excused: 1,
      weekend: 1,
      attended: 6,
      working_days: 8,
      attendance_rate: 0.75,
      late_rate: 0.333,
      work_hours: 45,
    });
  });

  it('groups by department, by name, people without one last', async () => {
    const groups = (await statistics(`group_by=department&${RANGE}`)).groups as Json[];
    assert.deepEqual(
      groups.map((group) => [group.key, group.label]),
      [
        [seed.departments.engineering, 'Engineering'],
        [seed.departments.sales, 'Sales, "EMEA"'],
        [null, 'Unassigned'],
      ],
    );
    assert.deepEqual(counts(groups[0]), {
      ...zero,
      records: 5,
      present: 1,
      late: 1,
      half_day: 1,
      excused: 1,
      weekend: 1,
      attended: 3,
      working_days: 4,
      attendance_rate: 0.75,
      late_rate: 0.333,
      work_hours: 19.5,
    });
    assert.deepEqual(counts(groups[1]), {
      ...zero,
      records: 2,
      present: 1,
      late: 1,
      attended: 2,
      working_days: 2,
      attendance_rate: 1,
      late_rate: 0.5,
      work_hours: 17,
    });
    assert.deepEqual(counts(groups[2]), {
      ...zero,
      records: 2,
      present: 1,
      absent: 1,
      attended: 1,
      working_days: 2,
      attendance_rate: 0.5,
      work_hours: 8.5,
    });
  });

  it('groups by day with a trend over every day of the range, empty days at zero', async () => {
    const body = await statistics(`group_by=day&${RANGE}`);
    const groups = body.groups as Json[];
    assert.deepEqual(
      groups.map((group) => [group.key, group.records, group.attended]),
      [
        ['2026-11-28', 1, 0],
        ['2026-11-30', 3, 2],
        ['2026-12-01', 3, 2],
        ['2026-12-02', 1, 1],
        ['2026-12-07', 1, 1],
      ],
    );
    assert.equal(groups[1].attendance_rate, 0.667);
    assert.equal(body.trend_period, 'day');
    const trend = body.trend as Json[];
    assert.equal(trend.length, 10);
    assert.deepEqual(
      trend.map((point) => [point.period_start, point.records]),
      [
        ['2026-11-28', 1],
        ['2026-11-29', 0],
        ['2026-11-30', 3],
        ['2026-12-01', 3],
        ['2026-12-02', 1],
        ['2026-12-03', 0],
        ['2026-12-04', 0],
        ['2026-12-05', 0],
        ['2026-12-06', 0],
        ['2026-12-07', 1],
      ],
    );
    assert.deepEqual(counts(trend[1]), zero);
  });

  it('groups by ISO week (from its Monday) and by month', async () => {
    const weeks = await statistics(`group_by=week&${RANGE}`);
    assert.deepEqual(
      (weeks.groups as Json[]).map((group) => [group.key, group.label, group.records, group.work_hours]),
      [
        ['2026-11-23', '2026-W48', 1, 0],
        ['2026-11-30', '2026-W49', 7, 37],
        ['2026-12-07', '2026-W50', 1, 8],
      ],
    );
    assert.equal(weeks.trend_period, 'week');
    assert.deepEqual(
      (weeks.trend as Json[]).map((point) => [point.period_start, point.label, point.records]),
      [
        ['2026-11-23', '2026-W48', 1],
        ['2026-11-30', '2026-W49', 7],
        ['2026-12-07', '2026-W50', 1],
      ],
    );
    const months = await statistics(`group_by=month&${RANGE}`);
    assert.deepEqual(
      (months.groups as Json[]).map((group) => [group.key, group.label, group.records, group.attendance_rate]),
      [
        ['2026-11', 'November 2026', 4, 0.667],
        ['2026-12', 'December 2026', 5, 0.8],
      ],
    );
  });

  it('groups by person, named with their code, with a daily trend', async () => {
    const body = await statistics(`group_by=person&${RANGE}`);
    const byKey = new Map((body.groups as Json[]).map((group) => [group.key, group]));
    assert.equal(byKey.size, 4);
    const ada = byKey.get(seed.people.ada)!;
    assert.match(String(ada.label), /^Ada Test \(.+\)$/);
    assert.deepEqual(
      [ada.records, ada.present, ada.late, ada.half_day, ada.attendance_rate, ada.work_hours],
      [3, 1, 1, 1, 1, 19.5],
    );
    const ben = byKey.get(seed.people.ben)!;
    assert.deepEqual([ben.records, ben.absent, ben.attendance_rate], [2, 1, 0.5]);
    const cleo = byKey.get(seed.people.cleo)!;
    assert.deepEqual(
      [cleo.records, cleo.weekend, cleo.excused, cleo.working_days, cleo.attendance_rate],
      [2, 1, 1, 1, 0],
    );
    assert.equal(body.trend_period, 'day');
    assert.equal((body.trend as Json[]).length, 10);
  });

  it('narrows to one person or one department', async () => {
    const ada = await statistics(`group_by=month&${RANGE}&employee_id=${seed.people.ada}`);
    assert.deepEqual([(ada.overall as Json).records, (ada.overall as Json).work_hours], [3, 19.5]);
    const sales = await statistics(`group_by=person&${RANGE}&department_id=${seed.departments.sales}`);
    assert.deepEqual(
      (sales.groups as Json[]).map((group) => group.key),
      [seed.people.dev],
    );
    assert.equal((sales.overall as Json).records, 2);
  });

  it('answers 404 for a department or person of another organisation, and shows it nothing', async () => {
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const theirDepartment = (await createDepartment(context.sut, other, { name: 'Theirs', code: 'THR' })).id;
    const theirPerson = await createPerson(context.sut, other, 'Zed');
    expectError(await send(admin, 'get', `/attendance/statistics?department_id=${theirDepartment}`), 404, 'not_found');
    expectError(await send(admin, 'get', `/attendance/statistics?employee_id=${theirPerson}`), 404, 'not_found');
    expectError(
      await send(other, 'get', `/attendance/statistics?department_id=${seed.departments.engineering}`),
      404,
      'not_found',
    );
    const theirs = await statistics(`group_by=department&${RANGE}`, other);
    assert.deepEqual([(theirs.overall as Json).records, theirs.groups], [0, []]);
  });

  it('refuses an unknown grouping, a backwards or too long range', async () => {
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/attendance/statistics?group_by=year')), [
      'group_by',
    ]);
    const backwards = await send(admin, 'get', '/attendance/statistics?date_from=2026-12-02&date_to=2026-12-01');
    assert.deepEqual(expectInvalidFields(backwards), ['date_from']);
    const tooLong = await send(admin, 'get', '/attendance/statistics?date_from=2025-01-01&date_to=2026-12-01');
    assert.deepEqual(expectInvalidFields(tooLong), ['date_from']);
  });

  it('needs attendance:read', async () => {
    const employee = await createUserAndLogin(context.sut, admin);
    expectError(await send(employee, 'get', `/attendance/statistics?${RANGE}`), 403, 'forbidden');
    const manager = await createUserAndLogin(context.sut, admin, undefined, 'manager');
    assert.equal(((await statistics(RANGE, manager)).overall as Json).records, 9);
  });
});
