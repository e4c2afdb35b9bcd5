import { createDepartment, createOrganizationWithAdmin, type Session } from './api-client.js';
import { apiCalls, expectStatus } from './api-calls.js';
import { createPerson } from './people.js';
import type { TestApp } from './test-app.js';

/** The organisation's time zone: check-in times below are local to it. */
export const SEED_ZONE = 'Asia/Kolkata';
const ist = (date: string, time: string) => new Date(`${date}T${time}+05:30`).toISOString();

export interface SeededAttendance {
  admin: Session;
  organizationId: string;
  organizationName: string;
  departments: { engineering: string; sales: string };
  people: { ada: string; ben: string; cleo: string; dev: string };
}

/**
 * An organisation in Asia/Kolkata with Engineering (Ada, Cleo), Sales (Dev) and Ben in no department, and nine records
 * marked by hand through the API between 2026-11-28 and 2026-12-07:
 *
 * | person | day        | status   | local times  | hours |
 * | Ada    | 2026-11-30 | present  | 09:00-17:00  | 8     |
 * | Ada    | 2026-12-01 | late     | 09:20-17:20  | 8     |
 * | Ada    | 2026-12-02 | half_day | 09:00-12:30  | 3.5   |
 * | Ben    | 2026-11-30 | absent   |              |       |
 * | Ben    | 2026-12-01 | present  | 08:10-16:40  | 8.5   |
 * | Cleo   | 2026-11-28 | weekend  | 10:00-       |       |
 * | Cleo   | 2026-12-01 | excused  |              |       |
 * | Dev    | 2026-11-30 | present  | 09:00-18:00  | 9     |
 * | Dev    | 2026-12-07 | late     | 09:30-17:30  | 8     |
 */
export async function seedAttendance(app: TestApp, superAdmin: Session): Promise<SeededAttendance> {
  const { send } = apiCalls(() => app);
  const { admin, organizationId } = await createOrganizationWithAdmin(app, superAdmin);
  const organization = expectStatus(
    await send(superAdmin, 'patch', `/organizations/${organizationId}`, { timezone: SEED_ZONE }),
    200,
  );
  const engineering = (await createDepartment(app, admin, { name: 'Engineering', code: 'ENG' })).id;
  const sales = (await createDepartment(app, admin, { name: 'Sales, "EMEA"', code: 'SAL' })).id;
  const ada = await createPerson(app, admin, 'Ada', { department_id: engineering });
  const ben = await createPerson(app, admin, 'Ben');
  const cleo = await createPerson(app, admin, 'Cleo', { department_id: engineering });
  const dev = await createPerson(app, admin, '=Dev', { department_id: sales });
  const mark = async (employee: string, date: string, status: string, from?: string, to?: string) =>
    expectStatus(
      await send(admin, 'post', '/attendance/records', {
        employee_id: employee,
        date,
        status,
        ...(from ? { check_in_at: ist(date, from) } : {}),
        ...(to ? { check_out_at: ist(date, to) } : {}),
        reason: 'Known test data',
      }),
      201,
    );
  await mark(ada, '2026-11-30', 'present', '09:00:00', '17:00:00');
  await mark(ada, '2026-12-01', 'late', '09:20:00', '17:20:00');
  await mark(ada, '2026-12-02', 'half_day', '09:00:00', '12:30:00');
  await mark(ben, '2026-11-30', 'absent');
  await mark(ben, '2026-12-01', 'present', '08:10:00', '16:40:00');
  await mark(cleo, '2026-11-28', 'weekend', '10:00:00');
  await mark(cleo, '2026-12-01', 'excused');
  await mark(dev, '2026-11-30', 'present', '09:00:00', '18:00:00');
  await mark(dev, '2026-12-07', 'late', '09:30:00', '17:30:00');
  return {
    admin,
    organizationId,
    organizationName: String(organization.name),
    departments: { engineering, sales },
    people: { ada, ben, cleo, dev },
  };
}
