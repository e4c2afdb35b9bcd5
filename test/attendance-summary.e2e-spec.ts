import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createDepartment, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectInvalidFields, expectStatus } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const ist = (local: string) => new Date(`${local}+05:30`).toISOString();
const RANGE = 'date_from=2026-11-28&date_to=2026-12-01';

/** Figures over a small known set of records, in the organisation's time zone. */
describe('attendance summary', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let engineering: string;

  before(async () => {
    let organizationId: string;
    ({ admin, organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    const zone = { timezone: 'Asia/Kolkata' };
    expectStatus(await send(context.superAdmin, 'patch', `/organizations/${organizationId}`, zone), 200);
    engineering = String((await createDepartment(context.sut, admin, { name: 'Engineering', code: 'ENG' })).id);
    const ada = await createPerson(context.sut, admin, 'Ada', { department_id: engineering });
    const ben = await createPerson(context.sut, admin, 'Ben');
    const cleo = await createPerson(context.sut, admin, 'Cleo', { department_id: engineering });
    const mark = async (employee: string, date: string, status: string, checkIn?: string) =>
      expectStatus(
        await send(admin, 'post', '/attendance/records', {
          employee_id: employee,
          date,
          status,
          ...(checkIn ? { check_in_at: ist(`${date}T${checkIn}`) } : {}),
          reason: 'Known test data',
        }),
        201,
      );
    await mark(ada, '2026-11-30', 'present', '09:00:00');
    await mark(ada, '2026-12-01', 'late', '09:20:00');
    await mark(ben, '2026-11-30', 'absent');
    await mark(ben, '2026-12-01', 'present', '08:10:00');
    await mark(cleo, '2026-11-28', 'weekend', '10:00:00');
  });

  it('counts attendances, people, the rate over working days, departments and check-ins by local hour', async () => {
    const summary = expectStatus(await send(admin, 'get', `/attendance/summary?period=weekly&${RANGE}`), 200);
    assert.deepEqual(summary, {
      period: 'weekly',
      date_from: '2026-11-28',
      date_to: '2026-12-01',
      total_attendances: 3,
      unique_persons: 2,
      attendance_rate: 0.75,
      departments: { Engineering: 2, Unassigned: 1 },
      hourly_distribution: { '08:00': 1, '09:00': 2, '10:00': 1 },
    });
  });

  it('narrows to one department, and refuses a range that runs backwards', async () => {
    const summary = expectStatus(
      await send(admin, 'get', `/attendance/summary?${RANGE}&department_id=${engineering}`),
      200,
    );
    assert.deepEqual(
      [summary.total_attendances, summary.unique_persons, summary.attendance_rate, summary.departments],
      [2, 1, 1, { Engineering: 2 }],
    );
    const backwards = await send(admin, 'get', '/attendance/summary?date_from=2026-12-02&date_to=2026-12-01');
    assert.deepEqual(expectInvalidFields(backwards), ['date_from']);
  });

  it("shows another organisation nothing of this one's records", async () => {
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const summary = expectStatus(await send(other, 'get', `/attendance/summary?${RANGE}`), 200);
    assert.deepEqual([summary.total_attendances, summary.unique_persons, summary.attendance_rate], [0, 0, 0]);
  });
});
