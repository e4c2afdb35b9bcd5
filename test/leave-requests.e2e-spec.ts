import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { JobQueue } from '../src/jobs/job-queue.js';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Two past working days (Monday and Tuesday) and the week after. */
const MONDAY = '2026-11-23';
const TUESDAY = '2026-11-24';

describe('leave requests', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let member: Session;
  let person: string;

  before(async () => {
    ({ admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    member = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    person = await createPerson(context.sut, admin, 'Lea', { user_id: member.user.id });
    // On the books well before the days below, so the daily close counts the person.
    await context.sut.app
      .get(DataSource)
      .query(`UPDATE employees SET created_at = '2026-11-01' WHERE id = $1`, [person]);
  });

  const ask = (session: Session, body: Json) => send(session, 'post', '/leave-requests', body);
  const close = async (date: string) => {
    const job = expectStatus(await send(admin, 'post', '/attendance/close', { date }), 202);
    const done = await context.sut.app.get(JobQueue).waitFor(String(job.id), 30_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
  };
  const statusOn = async (date: string) => {
    const page = expectStatus(
      await send(admin, 'get', `/attendance/records?employee_id=${person}&date_from=${date}&date_to=${date}`),
      200,
    );
    return (page.results as Json[])[0]?.status;
  };

  it('takes a request for oneself, refuses overlaps (409), bad ranges (400) and requests for others (403)', async () => {
    const reversed = await ask(member, { leave_type: 'sick', start_date: TUESDAY, end_date: MONDAY });
    assert.deepEqual(expectInvalidFields(reversed), ['end_date']);
    const created = expectStatus(
      await ask(member, { leave_type: 'sick', start_date: MONDAY, end_date: TUESDAY, reason: 'Flu' }),
      201,
    );
    assert.equal(created.status, 'pending');
    assert.equal(created.employee_id, person);
    const overlap = await ask(member, { leave_type: 'annual', start_date: TUESDAY, end_date: '2026-11-27' });
    expectError(overlap, 409, 'conflict');
    const colleague = await createPerson(context.sut, admin, 'Max');
    expectError(
      await ask(member, { employee_id: colleague, leave_type: 'sick', start_date: MONDAY, end_date: MONDAY }),
      403,
      'forbidden',
    );
    const own = expectStatus(await send(member, 'get', '/leave-requests'), 200);
    assert.deepEqual(
      (own.results as Json[]).map((row) => row.id),
      [created.id],
    );
  });

  it('makes approved days excused: absences already recorded, and the days the close marks later', async () => {
    await close(MONDAY); // before the decision: recorded absent
    assert.equal(await statusOn(MONDAY), 'absent');
    const [request] = expectStatus(await send(admin, 'get', `/leave-requests?employee_id=${person}`), 200)
      .results as Json[];
    const approved = expectStatus(
      await send(admin, 'post', `/leave-requests/${String(request.id)}/approve`, { note: 'Get well' }),
      200,
    );
    assert.equal(approved.status, 'approved');
    assert.equal(approved.decision_note, 'Get well');
    assert.equal(await statusOn(MONDAY), 'excused', 'a recorded absence becomes excused');
    await close(TUESDAY);
    assert.equal(await statusOn(TUESDAY), 'excused', 'the close marks approved days excused');
    expectError(await send(admin, 'post', `/leave-requests/${String(request.id)}/reject`, {}), 409, 'conflict');
    const audit = expectStatus(await send(admin, 'get', '/audit-logs?action=leave.approved'), 200);
    assert.equal(((audit.results as Json[])[0].new_values as Json).absences_excused, 1);
  });

  it('lets a rejected or cancelled request free its dates, and keeps organisations apart', async () => {
    const next = { leave_type: 'casual', start_date: '2026-12-14', end_date: '2026-12-15' };
    const first = expectStatus(await ask(member, next), 201);
    expectStatus(await send(member, 'post', `/leave-requests/${String(first.id)}/cancel`), 200);
    const second = expectStatus(await ask(member, next), 201);
    expectStatus(await send(admin, 'post', `/leave-requests/${String(second.id)}/reject`, { note: 'Exams' }), 200);
    expectStatus(await ask(member, next), 201);
    expectError(await send(member, 'post', `/leave-requests/${String(second.id)}/approve`, {}), 403, 'forbidden');
    const { admin: outsider } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    expectError(await send(outsider, 'get', `/leave-requests/${String(second.id)}`), 404, 'not_found');
    expectError(await send(outsider, 'post', `/leave-requests/${String(second.id)}/approve`, {}), 404, 'not_found');
    assert.equal(expectStatus(await send(outsider, 'get', '/leave-requests'), 200).count, 0);
  });
});
