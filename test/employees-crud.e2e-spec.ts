import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createDepartment, createOrganizationWithAdmin } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPersonRecord, listPeople } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Creating, reading, changing and deleting people (employees and students) through /employees. */
void describe('people API: create, read, update, delete', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  it('creates a person with every field, normalised, and never shows internal columns', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const eng = await createDepartment(context.sut, admin, { name: 'Engineering', code: 'ENG' });
    const shift = expectStatus(
      await send(admin, 'post', '/shifts', { name: 'Day', start_time: '09:00', end_time: '17:00' }),
      201,
    );
    const ada = await createPersonRecord(context.sut, admin, {
      first_name: ' Ada ',
      last_name: 'Lovelace',
      department_id: eng.id,
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
      shift_id: shift.id,
      date_of_birth: '1915-12-10',
      emergency_contact: { name: 'Annabella', phone: '+442079460000', relation: 'mother' },
      metadata: { badge: 17, tags: ['math'] },
    });
    assert.deepEqual(
      [ada.first_name, ada.full_name, ada.kind, ada.email],
      ['Ada', 'Ada Lovelace', 'employee', 'ada@example.com'],
    );
    assert.deepEqual(ada.department, { id: eng.id, code: 'ENG', name: 'Engineering' });
    assert.deepEqual(
      [ada.phone, ada.date_of_birth, ada.shift_id, ada.is_active],
      ['+442079460958', '1915-12-10', shift.id, true],
    );
    assert.deepEqual(ada.emergency_contact, { name: 'Annabella', phone: '+442079460000', relation: 'mother' });
    assert.deepEqual(ada.metadata, { badge: 17, tags: ['math'] });
    assert.equal(ada.organization_id, organizationId);
    for (const hidden of ['deleted_at', 'deletedAt', 'organizationId']) assert.ok(!(hidden in ada), hidden);
  });

  it('needs only a first name: no last name, department or metadata', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const cher = await createPersonRecord(context.sut, admin, { first_name: 'Cher', last_name: undefined });
    assert.deepEqual(
      [cher.last_name, cher.full_name, cher.kind, cher.department, cher.metadata],
      ['', 'Cher', 'employee', null, {}],
    );
    const student = await createPersonRecord(context.sut, admin, { first_name: 'Barbara', kind: 'student' });
    assert.equal(student.kind, 'student');
  });

  it('refuses a taken email in any case with 409 naming the field, on create and on patch', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    await createPersonRecord(context.sut, admin, { email: 'ada@example.com' });
    const other = await createPersonRecord(context.sut, admin);
    const create = await send(admin, 'post', '/employees', { first_name: 'X', email: 'ADA@example.COM' });
    assert.deepEqual(expectError(create, 409, 'conflict'), ['email']);
    const patch = await send(admin, 'patch', `/employees/${String(other.id)}`, { email: 'ada@example.com' });
    assert.deepEqual(expectError(patch, 409, 'conflict'), ['email']);
  });

  it('lists every invalid field', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const invalidFields = async (body: object) => expectInvalidFields(await send(admin, 'post', '/employees', body));
    const body = {
      first_name: '',
      kind: 'teacher',
      phone: '12345',
      email: 'not-an-email',
      gender: 'x',
      date_of_birth: '2999-01-01',
      joining_date: '2026-02-30',
      code: '-bad code',
      emergency_contact: { name: 'Mum', phone: 'call me' },
      metadata: [1, 2],
      colour: 'red',
    };
    assert.deepEqual(await invalidFields(body), [
      'code',
      'colour',
      'date_of_birth',
      'email',
      'emergency_contact.phone',
      'first_name',
      'gender',
      'joining_date',
      'kind',
      'metadata',
      'phone',
    ]);
    assert.deepEqual(await invalidFields({ first_name: 'X', phone: '+1234567890123456' }), ['phone']);
    assert.deepEqual(await invalidFields({ first_name: 'X', phone: 'abcdefghijk' }), ['phone']);
    assert.deepEqual(await invalidFields({ first_name: 'X', date_of_birth: '10/12/1815' }), ['date_of_birth']);
    assert.deepEqual(await invalidFields({ last_name: 'Nameless' }), ['first_name']);
    assert.equal((await listPeople(context.sut, admin)).count, 0, 'nothing was created');
  });

  it('rejects a department, shift or user of another organisation as 400 naming the field', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const { admin: otherAdmin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const foreignDepartment = await createDepartment(context.sut, otherAdmin);
    const invalidFields = async (body: object) => expectInvalidFields(await send(admin, 'post', '/employees', body));
    assert.deepEqual(await invalidFields({ first_name: 'X', department_id: foreignDepartment.id }), ['department_id']);
    assert.deepEqual(await invalidFields({ first_name: 'X', department_id: randomUUID() }), ['department_id']);
    assert.deepEqual(await invalidFields({ first_name: 'X', shift_id: randomUUID() }), ['shift_id']);
    assert.deepEqual(await invalidFields({ first_name: 'X', user_id: otherAdmin.user.id }), ['user_id']);
    assert.equal((await listPeople(context.sut, admin)).count, 0, 'nothing was created');

    const person = await createPersonRecord(context.sut, admin);
    const patch = await send(admin, 'patch', `/employees/${String(person.id)}`, {
      department_id: foreignDepartment.id,
    });
    assert.deepEqual(expectInvalidFields(patch), ['department_id']);
  });

  it('reads one person with their department and an enrollment summary', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const department = await createDepartment(context.sut, admin);
    const person = await createPersonRecord(context.sut, admin, { department_id: department.id, metadata: { a: 1 } });
    const read = expectStatus(await send(admin, 'get', `/employees/${String(person.id)}`), 200);
    const { enrollment, ...rest } = read;
    assert.deepEqual(enrollment, { templates: 0, angles: [] });
    assert.deepEqual(rest, person);
    expectError(await send(admin, 'get', `/employees/${randomUUID()}`), 404, 'not_found');
    expectError(await send(admin, 'get', '/employees/not-a-uuid'), 404, 'not_found');
  });

  it('patches fields, clears nullable ones with null and keeps the rest', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const eng = await createDepartment(context.sut, admin, { code: 'ENG' });
    const fin = await createDepartment(context.sut, admin, { name: 'Finance', code: 'FIN' });
    const alan = await createPersonRecord(context.sut, admin, {
      first_name: 'Alan',
      last_name: 'Turing',
      department_id: eng.id,
    });
    const path = `/employees/${String(alan.id)}`;
    const body = {
      last_name: 'M. Turing',
      phone: '+1 (555) 010-9999',
      department_id: fin.id,
      emergency_contact: { name: 'Ethel', phone: '5550100000' },
      metadata: { room: 'B12' },
    };
    const patched = expectStatus(await send(admin, 'patch', path, body), 200);
    assert.deepEqual(
      [patched.full_name, patched.phone, patched.code, patched.department],
      ['Alan M. Turing', '+15550109999', alan.code, { id: fin.id, code: 'FIN', name: 'Finance' }],
    );
    assert.deepEqual(patched.emergency_contact, { name: 'Ethel', phone: '5550100000', relation: null });
    assert.deepEqual(patched.metadata, { room: 'B12' });
    const cleared = expectStatus(
      await send(admin, 'patch', path, { department_id: null, phone: null, emergency_contact: null }),
      200,
    );
    assert.deepEqual(
      [cleared.department_id, cleared.department, cleared.phone, cleared.emergency_contact],
      [null, null, null, null],
    );
    assert.equal(cleared.last_name, 'M. Turing');
    const read = expectStatus(await send(admin, 'get', path), 200);
    assert.deepEqual([read.department, read.phone, read.metadata], [null, null, { room: 'B12' }]);
  });

  it('refuses to clear required fields or set a future birth date on patch', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const path = `/employees/${String((await createPersonRecord(context.sut, admin)).id)}`;
    const invalidFields = async (body: object) => expectInvalidFields(await send(admin, 'patch', path, body));
    assert.deepEqual(await invalidFields({ first_name: null, kind: null, is_active: null }), [
      'first_name',
      'is_active',
      'kind',
    ]);
    assert.deepEqual(await invalidFields({ date_of_birth: '2999-12-31' }), ['date_of_birth']);
  });

  it('soft-deletes: the person leaves reads and lists, and their code and email become free', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    await createPersonRecord(context.sut, admin, { first_name: 'Stays' });
    const temp = await createPersonRecord(context.sut, admin, {
      first_name: 'Temp',
      code: 'TMP-1',
      email: 'temp@example.com',
    });
    const path = `/employees/${String(temp.id)}`;
    assert.equal((await listPeople(context.sut, admin)).count, 2);
    expectStatus(await send(admin, 'delete', path), 204);
    expectError(await send(admin, 'get', path), 404, 'not_found');
    expectError(await send(admin, 'patch', path, { first_name: 'Back' }), 404, 'not_found');
    expectError(await send(admin, 'delete', path), 404, 'not_found');
    const after = await listPeople(context.sut, admin, '?search=temp&facets=true');
    assert.deepEqual([after.count, after.facets?.total], [0, 0]);
    assert.equal((await listPeople(context.sut, admin)).count, 1);
    const again = await createPersonRecord(context.sut, admin, {
      first_name: 'Temp',
      code: 'tmp-1',
      email: 'TEMP@example.com',
    });
    assert.deepEqual([again.code, again.email], ['tmp-1', 'temp@example.com']);
  });

  it('audits every write in the organisation', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const temp = await createPersonRecord(context.sut, admin, { first_name: 'Audited' });
    const path = `/employees/${String(temp.id)}`;
    expectStatus(await send(admin, 'patch', path, { designation: 'Tester' }), 200);
    expectStatus(await send(admin, 'delete', path), 204);
    const { results } = expectStatus(
      await send(admin, 'get', `/audit-logs?entity_id=${String(temp.id)}&page_size=100`),
      200,
    ) as { results: Json[] };
    assert.deepEqual(results.map((row) => row.action).sort(), [
      'employee.created',
      'employee.deleted',
      'employee.updated',
    ]);
    for (const row of results) {
      assert.deepEqual(
        [row.organization_id, row.user_id, row.entity_type],
        [organizationId, admin.user.id, 'employee'],
      );
    }
    const created = results.find((row) => row.action === 'employee.created');
    assert.equal((created?.new_values as Json).first_name, 'Audited');
    const updated = results.find((row) => row.action === 'employee.updated');
    assert.deepEqual(updated?.new_values, { designation: 'Tester' });
  });
});
