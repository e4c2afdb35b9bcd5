import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const AADHAAR = '4321 8765 1234';
const NORMALISED = '432187651234';

/** Visitors: sealed ID numbers shown by permission, lookup and prefix suggest by keyed hash, tenant isolation. */
describe('visitors', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  async function desk(): Promise<{ organizationId: string; admin: Session; operator: Session }> {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    return { organizationId, admin, operator };
  }

  const register = async (session: Session, fields: Json = {}) =>
    expectStatus(
      await send(session, 'post', '/visitors', {
        id_number: AADHAAR,
        full_name: 'Asha Rao',
        id_type: 'aadhaar',
        ...fields,
      }),
      201,
      'create visitor',
    );

  it('registers a visitor and shows the ID number masked, or in clear with visitors:view_id_number', async () => {
    const { admin, operator } = await desk();
    const host = await createPerson(context.sut, admin, 'Host');
    const created = await register(operator, {
      phone: '+91 98765 43210',
      company: 'Acme',
      host_employee_id: host,
      floors: ['3', '3', 'G'],
      towers: ['B'],
      duration_from: '2026-01-10T09:00:00Z',
      duration_to: '2026-01-10T18:00:00Z',
    });
    assert.equal(created.id_number, 'XXXX-XXXX-1234');
    assert.equal(created.phone, '+919876543210');
    assert.deepEqual(created.floors, ['3', 'G']);
    assert.equal(created.host_employee_id, host);
    for (const hidden of ['id_number_sealed', 'id_number_hash', 'id_number_prefix_hashes', 'id_number_last4']) {
      assert.equal(hidden in created, false, `${hidden} is not returned`);
    }
    const asAdmin = expectStatus(await send(admin, 'get', `/visitors/${String(created.id)}`), 200);
    assert.equal(asAdmin.id_number, NORMALISED);
    const asOperator = expectStatus(await send(operator, 'get', `/visitors/${String(created.id)}`), 200);
    assert.equal(asOperator.id_number, 'XXXX-XXXX-1234');

    const rows = await context.sut.app
      .get(DataSource)
      .query<Json[]>('SELECT * FROM visitors WHERE id = $1', [created.id]);
    assert.equal(JSON.stringify(rows).includes(NORMALISED), false, 'the clear number is not stored');
    const audit = expectStatus(await send(admin, 'get', `/audit-logs?entity_id=${String(created.id)}`), 200);
    assert.ok((audit.results as Json[]).length > 0);
    assert.equal(JSON.stringify(audit).includes(NORMALISED), false, 'the audit keeps the masked number only');
  });

  it('refuses a second visitor with the same number (any spacing) and a host from elsewhere', async () => {
    const { operator } = await desk();
    const other = await desk();
    await register(operator);
    expectError(
      await send(operator, 'post', '/visitors', { id_number: '4321-8765-1234', full_name: 'X' }),
      409,
      'conflict',
    );
    const foreignHost = await createPerson(context.sut, other.admin);
    const fields = expectInvalidFields(
      await send(operator, 'post', '/visitors', {
        id_number: 'P1234567',
        full_name: 'Y',
        host_employee_id: foreignHost,
      }),
    );
    assert.deepEqual(fields, ['host_employee_id']);
    assert.deepEqual(
      expectInvalidFields(await send(operator, 'post', '/visitors', { id_number: '12', full_name: 'Z' })),
      ['id_number'],
    );
    await register(other.operator);
  });

  it('looks a number up: the visitor when known, exists false when not', async () => {
    const { operator } = await desk();
    const created = await register(operator);
    const found = expectStatus(await send(operator, 'get', '/visitors/by-id-number/4321-8765-1234'), 200);
    assert.equal(found.exists, true);
    assert.equal((found.visitor as Json).id, created.id);
    assert.deepEqual(found.images, {});
    const unknown = expectStatus(await send(operator, 'get', '/visitors/by-id-number/999988887777'), 200);
    assert.deepEqual(unknown, { exists: false, visitor: null, images: {} });
  });

  it('suggests by a prefix of 4 characters or more, masked, at most 10, never from another organisation', async () => {
    const { admin, operator } = await desk();
    const other = await desk();
    for (let i = 0; i < 12; i++)
      await register(operator, { id_number: `7777${String(i).padStart(8, '0')}`, full_name: `V${i}` });
    await register(operator, { id_number: '777800000000', full_name: 'Near miss' });
    await register(other.operator, { id_number: '777700009999', full_name: 'Elsewhere' });
    const many = expectStatus(await send(operator, 'get', '/visitors/suggest?q=7777'), 200) as unknown as Json[];
    assert.equal(many.length, 10);
    assert.ok(many.every((row) => /^XXXX-XXXX-\d{4}$/.test(String(row.id_number))));
    assert.deepEqual(Object.keys(many[0]).sort(), ['full_name', 'id', 'id_number']);
    const one = expectStatus(
      await send(operator, 'get', '/visitors/suggest?q=7777-0000-0011'),
      200,
    ) as unknown as Json[];
    assert.deepEqual(
      one.map((row) => row.full_name),
      ['V11'],
    );
    const clear = expectStatus(await send(admin, 'get', '/visitors/suggest?q=777800'), 200) as unknown as Json[];
    assert.deepEqual(
      clear.map((row) => [row.full_name, row.id_number]),
      [['Near miss', '777800000000']],
    );
    assert.deepEqual(expectInvalidFields(await send(operator, 'get', '/visitors/suggest?q=777')), ['q']);
  });

  it('lists with search and pagination, and hides another organisation (404)', async () => {
    const { operator } = await desk();
    const other = await desk();
    await register(operator, { id_number: 'A0000001', full_name: 'Bina Das', company: 'Globex' });
    await register(operator, { id_number: 'A0000002', full_name: 'Chen Li', company: 'Acme' });
    const theirs = await register(other.operator, { id_number: 'A0000003', full_name: 'Dev Acme' });
    const page = expectStatus(await send(operator, 'get', '/visitors?search=acme&page_size=1'), 200);
    assert.equal(page.count, 1);
    assert.equal((page.results as Json[])[0].full_name, 'Chen Li');
    const all = expectStatus(await send(operator, 'get', '/visitors?page_size=1'), 200);
    assert.equal(all.count, 2);
    assert.ok(String(all.next).includes('page=2'));
    const id = String(theirs.id);
    expectError(await send(operator, 'get', `/visitors/${id}`), 404, 'not_found');
    expectError(await send(operator, 'get', `/visitors/${id}/preview`), 404, 'not_found');
    expectError(await send(operator, 'patch', `/visitors/${id}`, { full_name: 'X' }), 404, 'not_found');
    expectError(await send(operator, 'delete', `/visitors/${id}`), 404, 'not_found');
  });

  it('lets only administrators watchlist, and shows the reason to them only', async () => {
    const { admin, operator } = await desk();
    const created = await register(operator);
    const path = `/visitors/${String(created.id)}`;
    expectError(await send(operator, 'patch', path, { is_watchlisted: true }), 403, 'forbidden');
    const listed = expectStatus(
      await send(admin, 'patch', path, { is_watchlisted: true, watchlist_reason: 'Trespass in 2025' }),
      200,
    );
    assert.equal(listed.watchlist_reason, 'Trespass in 2025');
    const seen = expectStatus(await send(operator, 'get', `${path}/preview`), 200);
    assert.equal(seen.is_watchlisted, true);
    assert.equal(seen.id_number, 'XXXX-XXXX-1234');
    assert.equal(expectStatus(await send(operator, 'get', path), 200).watchlist_reason, null);
    const renamed = expectStatus(
      await send(operator, 'patch', path, { full_name: 'Asha R.', id_number: 'Z9998888' }),
      200,
    );
    assert.equal(renamed.id_number, 'XXXX-XXXX-8888');
    assert.equal(expectStatus(await send(operator, 'get', '/visitors/by-id-number/Z9998888'), 200).exists, true);
    assert.equal(expectStatus(await send(operator, 'get', `/visitors/by-id-number/${NORMALISED}`), 200).exists, false);
  });

  it('erases a visitor: gone from reads, lookup and suggest', async () => {
    const { operator } = await desk();
    const created = await register(operator);
    const path = `/visitors/${String(created.id)}`;
    expectStatus(await send(operator, 'delete', path), 204);
    expectError(await send(operator, 'get', path), 404, 'not_found');
    assert.equal(expectStatus(await send(operator, 'get', `/visitors/by-id-number/${NORMALISED}`), 200).exists, false);
    assert.deepEqual(expectStatus(await send(operator, 'get', '/visitors/suggest?q=4321'), 200), []);
  });

  it('lists floors and towers from the settings, with defaults', async () => {
    const { operator } = await desk();
    const floors = expectStatus(await send(operator, 'get', '/meta/floors'), 200) as unknown as string[];
    assert.deepEqual(floors, ['G', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15']);
    assert.deepEqual(expectStatus(await send(operator, 'get', '/meta/towers'), 200), ['A', 'B', 'C', 'D']);
    const { organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const patched = await send(context.superAdmin, 'patch', `/organizations/${organizationId}`, {
      settings: { floors: ['B1', 'L1'], towers: ['North'] },
    });
    expectStatus(patched, 200);
    const member = await createUserAndLogin(context.sut, context.superAdmin, undefined, 'operator', { organizationId });
    assert.deepEqual(expectStatus(await send(member, 'get', '/meta/floors'), 200), ['B1', 'L1']);
    assert.deepEqual(expectStatus(await send(member, 'get', '/meta/towers'), 200), ['North']);
  });
});
