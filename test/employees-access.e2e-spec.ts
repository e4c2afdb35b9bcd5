import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createOrganizationWithAdmin, createUserAndLogin } from './support/api-client.js';
import { apiCalls, expectError, expectInvalidFields, expectStatus, type Json } from './support/api-calls.js';
import { createPersonRecord, listPeople } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Who may see and change people: self-service at /employees/me, roles, and organisations kept apart. */
void describe('people API: self-service, permissions and tenants', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  it('lets a linked student read their own record at /employees/me, and nothing else', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const student = await createUserAndLogin(context.sut, admin, undefined, 'student');
    const classmate = await createPersonRecord(context.sut, admin, { kind: 'student' });
    const grace = await createPersonRecord(context.sut, admin, { kind: 'student' });
    const path = `/employees/${String(grace.id)}`;
    expectStatus(await send(admin, 'patch', path, { user_id: student.user.id }), 200);

    const own = expectStatus(await send(student, 'get', '/employees/me'), 200);
    assert.deepEqual([own.id, own.code, own.user_id], [grace.id, grace.code, student.user.id]);
    assert.deepEqual(own.enrollment, { templates: 0, angles: [] });
    expectError(await send(student, 'get', '/employees'), 403, 'forbidden');
    expectError(await send(student, 'get', path), 403, 'forbidden');
    expectError(await send(student, 'get', `/employees/${String(classmate.id)}`), 403, 'forbidden');
    expectError(await send(student, 'patch', path, { first_name: 'Me' }), 403, 'forbidden');
  });

  it('answers 404 on /employees/me for an account linked to no person', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    await createPersonRecord(context.sut, admin);
    const unlinked = await createUserAndLogin(context.sut, admin, undefined, 'employee');
    expectError(await send(unlinked, 'get', '/employees/me'), 404, 'not_found');
    expectError(await send(admin, 'get', '/employees/me'), 404, 'not_found');
  });

  it('links one person per user account', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const student = await createUserAndLogin(context.sut, admin, undefined, 'student');
    await createPersonRecord(context.sut, admin, { user_id: student.user.id });
    const other = await createPersonRecord(context.sut, admin);
    const path = `/employees/${String(other.id)}`;
    assert.deepEqual(expectError(await send(admin, 'patch', path, { user_id: student.user.id }), 409, 'conflict'), [
      'user_id',
    ]);
    const create = await send(admin, 'post', '/employees', { first_name: 'Twin', user_id: student.user.id });
    assert.deepEqual(expectError(create, 409, 'conflict'), ['user_id']);
    assert.deepEqual(expectInvalidFields(await send(admin, 'patch', path, { user_id: randomUUID() })), ['user_id']);
  });

  it('lets an operator read people but not change them', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const path = `/employees/${String((await createPersonRecord(context.sut, admin)).id)}`;
    await createPersonRecord(context.sut, admin);
    assert.equal((await listPeople(context.sut, operator)).count, 2);
    expectStatus(await send(operator, 'get', path), 200);
    expectError(await send(operator, 'post', '/employees', { first_name: 'Op' }), 403, 'forbidden');
    expectError(await send(operator, 'patch', path, { first_name: 'Op' }), 403, 'forbidden');
    expectError(await send(operator, 'delete', path), 403, 'forbidden');
    assert.equal((await listPeople(context.sut, admin)).count, 2);
  });

  it("gives another organisation's admin 404 on every one of its people", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const { admin: otherAdmin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const ada = await createPersonRecord(context.sut, admin, { first_name: 'Ada' });
    const path = `/employees/${String(ada.id)}`;
    const unknown = (await send(otherAdmin, 'get', `/employees/${randomUUID()}`)).body as Json;
    const foreign = expectStatus(await send(otherAdmin, 'get', path), 404);
    assert.deepEqual([foreign.error, foreign.message], [unknown.error, unknown.message]);
    expectError(await send(otherAdmin, 'patch', path, { first_name: 'Hijacked' }), 404, 'not_found');
    expectError(await send(otherAdmin, 'delete', path), 404, 'not_found');
    const theirs = await listPeople(context.sut, otherAdmin, '?search=ada&facets=true');
    assert.deepEqual([theirs.count, theirs.facets?.total], [0, 0]);
    const read = expectStatus(await send(admin, 'get', path), 200);
    assert.equal(read.first_name, 'Ada');
  });
});
