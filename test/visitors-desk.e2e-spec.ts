import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { VisitorsRepository } from '../src/visitors/visitors.repository.js';
import { createOrganizationWithAdmin, createUserAndLogin } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

const SUGGEST_LIMIT = 5;
const HOUR_MS = 3_600_000;

/** The desk's overview counts, the per-user limit on ID-number suggestions, and duplicate ID numbers at once. */
describe('visitor desk', () => {
  const context = useTestApp({ VISITOR_SUGGEST_LIMIT: String(SUGGEST_LIMIT), VISITOR_SUGGEST_WINDOW_SECONDS: '60' });
  const { send } = apiCalls(() => context.sut);

  it('counts visitors and visits: on site, today, this week, expected today, watchlisted', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const visitor = async (idNumber: string, fields: object = {}) =>
      String(
        expectStatus(
          await send(admin, 'post', '/visitors', { id_number: idNumber, full_name: `V ${idNumber}`, ...fields }),
          201,
        ).id,
      );
    const [onSite, left, expected, later, longAgo] = await Promise.all(
      ['700000000001', '700000000002', '700000000003', '700000000004', '700000000005'].map((id) => visitor(id)),
    );
    await visitor('700000000006', { is_watchlisted: true, watchlist_reason: 'Trespass' });
    expectStatus(await send(operator, 'post', '/visits', { visitor_id: onSite }), 201);
    const visit = expectStatus(await send(operator, 'post', '/visits', { visitor_id: left }), 201);
    expectStatus(await send(operator, 'post', `/visits/${String(visit.id)}/check-out`), 200);
    const now = Date.now();
    const iso = (offset: number) => new Date(now + offset).toISOString();
    expectStatus(
      await send(admin, 'post', '/visits/expected', {
        visitor_id: expected,
        expected_from: iso(0),
        expected_to: iso(HOUR_MS),
      }),
      201,
    );
    expectStatus(
      await send(admin, 'post', '/visits/expected', { visitor_id: later, expected_from: iso(9 * 24 * HOUR_MS) }),
      201,
    );
    const old = expectStatus(await send(operator, 'post', '/visits', { visitor_id: longAgo }), 201);
    expectStatus(await send(operator, 'post', `/visits/${String(old.id)}/check-out`), 200);
    await context.sut.app
      .get(DataSource)
      .query(
        `UPDATE visits SET checked_in_at = checked_in_at - interval '8 days', checked_out_at = checked_out_at - interval '8 days' WHERE id = $1`,
        [old.id],
      );

    const stats = expectStatus(await send(operator, 'get', '/visitors/stats'), 200);
    assert.deepEqual(stats.visitors, { total: 6, watchlisted: 1, enrolled: 0, faces_erased: 0 });
    assert.deepEqual(stats.visits, { on_site: 1, today: 2, this_week: 2, expected_today: 1 });
    assert.equal(stats.retention_days, 30);
    assert.equal(typeof stats.time_zone, 'string');

    const other = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const elsewhere = expectStatus(await send(other.admin, 'get', '/visitors/stats'), 200);
    assert.deepEqual(elsewhere.visitors, { total: 0, watchlisted: 0, enrolled: 0, faces_erased: 0 });
    assert.deepEqual(elsewhere.visits, { on_site: 0, today: 0, this_week: 0, expected_today: 0 });
    const employee = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    expectError(await send(employee, 'get', '/visitors/stats'), 403, 'forbidden');
  });

  it('limits suggestions per user, with 429 and Retry-After beyond the limit', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const colleague = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    expectStatus(await send(admin, 'post', '/visitors', { id_number: '812345678901', full_name: 'Sam Suggest' }), 201);
    for (let i = 0; i < SUGGEST_LIMIT; i++) {
      const found = expectStatus(await send(operator, 'get', '/visitors/suggest?q=8123'), 200) as unknown as Json[];
      assert.deepEqual(
        found.map((row) => [row.full_name, row.id_number]),
        [['Sam Suggest', 'XXXX-XXXX-8901']],
      );
    }
    const refused = await send(operator, 'get', '/visitors/suggest?q=81234');
    expectError(refused, 429, 'too_many_suggestions');
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
    assert.equal((refused.body as { details: Json }).details.retry_after, retryAfter);
    expectStatus(
      await send(colleague, 'get', '/visitors/suggest?q=8123'),
      200,
      'another user has a count of their own',
    );
    expectError(await send(operator, 'get', '/visitors/suggest?q=812'), 400, 'validation_error');
  });

  it('answers one 201 and 409s to the same ID number registered at once', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const forms = [
      '4444 5555 6666',
      '4444-5555-6666',
      '444455556666',
      '4444 5555-6666',
      '44445555 6666',
      '4444555 56666',
    ];
    const answers = await Promise.all(
      forms.map((id_number, i) => send(admin, 'post', '/visitors', { id_number, full_name: `Twin ${i}` })),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [201, 409, 409, 409, 409, 409]);
    for (const answer of answers.filter((candidate) => candidate.status === 409)) {
      assert.deepEqual(expectError(answer, 409, 'conflict'), ['id_number']);
    }
    const list = expectStatus(await send(admin, 'get', '/visitors?search=Twin'), 200);
    assert.equal(list.count, 1);
  });

  it('answers the same 409 when both requests passed the check before either saved', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    // Each request waits after its check for the other's (up to a second: the embedded database runs one
    // transaction at a time, so there the second check comes after the first commit and finds the visitor).
    const repository = context.sut.app.get(VisitorsRepository);
    const check = repository.findByIdNumberHash.bind(repository);
    let checked = 0;
    let bothChecked!: () => void;
    const gate = new Promise<void>((resolve) => (bothChecked = resolve));
    repository.findByIdNumberHash = async (...args) => {
      const holder = await check(...args);
      if (++checked === 2) bothChecked();
      await Promise.race([gate, new Promise((resolve) => setTimeout(resolve, 1000))]);
      return holder;
    };
    try {
      const answers = await Promise.all(
        ['A', 'B'].map((name) => send(admin, 'post', '/visitors', { id_number: 'RACE12345', full_name: name })),
      );
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [201, 409]);
      const conflict = answers.find((answer) => answer.status === 409)!;
      assert.deepEqual(expectError(conflict, 409, 'conflict'), ['id_number'], 'the same error as the check gives');
    } finally {
      delete (repository as Partial<VisitorsRepository>).findByIdNumberHash;
    }
  });
});
