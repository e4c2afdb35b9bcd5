import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrganizationWithAdmin } from './support/api-client.js';
import { apiCalls, expectStatus } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Today at a glance, from today's records and the cameras (the organisation keeps the default zone, UTC). */
describe('real-time report', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  it("counts who is inside, who came, the peak hour and the cameras' status, for its own organisation only", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    const checkIn = new Date(now - 60_000);
    const mark = async (name: string, checkOut: Date | null) => {
      const person = await createPerson(context.sut, admin, name);
      const body = {
        employee_id: person,
        date: today,
        status: 'present',
        check_in_at: checkIn.toISOString(),
        ...(checkOut ? { check_out_at: checkOut.toISOString() } : {}),
        reason: 'Known test data',
      };
      expectStatus(await send(admin, 'post', '/attendance/records', body), 201);
    };
    await mark('Inside', null);
    await mark('Left', new Date(now));
    const door = expectStatus(await send(admin, 'post', '/cameras', { name: 'Door', source_type: 'kiosk' }), 201);
    expectStatus(await send(admin, 'post', '/cameras', { name: 'Yard', source_type: 'kiosk' }), 201);
    const key = expectStatus(await send(admin, 'post', `/cameras/${String(door.id)}/keys`), 201);
    const beat = await context.sut
      .http()
      .post(`/api/v1/cameras/${String(door.id)}/heartbeat`)
      .set('X-Api-Key', String(key.api_key));
    expectStatus(beat, 200);
    const report = expectStatus(await send(admin, 'get', '/reports/real-time'), 200);
    assert.deepEqual(report, {
      current_occupancy: 1,
      today_attendance: 2,
      peak_hour: `${String(checkIn.getUTCHours()).padStart(2, '0')}:00`,
      avg_processing_time: null,
      camera_status: { online: 1, offline: 1 },
    });
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    assert.deepEqual(expectStatus(await send(other, 'get', '/reports/real-time'), 200), {
      current_occupancy: 0,
      today_attendance: 0,
      peak_hour: null,
      avg_processing_time: null,
      camera_status: { online: 0, offline: 0 },
    });
  });

  it('shows attendance, lateness and the peak hour per weekday', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const weekAgo = new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10);
    const mark = async (date: string, status: string, checkIn: string) => {
      const body = {
        employee_id: await createPerson(context.sut, admin),
        date,
        status,
        check_in_at: checkIn,
        reason: 'Known test data',
      };
      expectStatus(await send(admin, 'post', '/attendance/records', body), 201);
    };
    await mark(today, 'present', now.toISOString());
    await mark(today, 'present', now.toISOString());
    await mark(weekAgo, 'late', `${weekAgo}T09:30:00Z`);
    const report = expectStatus(await send(admin, 'get', '/reports/patterns'), 200);
    const weekdays = report.weekdays as { weekday: string; attendances: number; late: number; peak_hour: string }[];
    const name = now.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }).toLowerCase();
    const day = weekdays.find((row) => row.weekday === name)!;
    assert.deepEqual([day.attendances, day.late], [3, 1]);
    assert.equal(
      day.peak_hour,
      `${String(now.getUTCHours()).padStart(2, '0')}:00`,
      'two check-ins this hour beat one at 09:30',
    );
    assert.equal(
      weekdays.filter((row) => row.weekday !== name).reduce((sum, row) => sum + row.attendances, 0),
      0,
      'no other weekday has attendances',
    );
  });
});
