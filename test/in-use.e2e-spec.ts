import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bearer,
  createDepartment,
  createOrganizationWithAdmin,
  createUser,
  type Session,
  uniqueName,
} from './support/api-client.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Every "409 while in use" rule: departments, shifts, locations and roles stay while something refers to them. */
describe('deleting what is still in use', () => {
  const ctx = useTestApp();

  const send = (session: Session, method: 'post' | 'patch' | 'delete' | 'get', path: string, body?: object) => {
    const call = ctx.sut.http()[method](`/api/v1${path}`).set(bearer(session));
    return body ? call.send(body) : call;
  };
  const created = async (session: Session, path: string, body: object): Promise<string> => {
    const response = await send(session, 'post', path, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body as { id: string }).id;
  };
  const assertInUse = async (session: Session, path: string, usedBy: string, count: number) => {
    const refused = await send(session, 'delete', path);
    assert.equal(refused.status, 409, `${path}: ${JSON.stringify(refused.body)}`);
    assert.equal(refused.body.error, 'in_use');
    assert.deepEqual(refused.body.details, { used_by: usedBy, count });
    assert.equal((await send(session, 'get', path)).status, 200, 'and it is still there');
  };

  it('refuses to delete a department with people in it, and keeps their department (409, as its summary says)', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const department = await createDepartment(ctx.sut, admin);
    const ada = await createPerson(ctx.sut, admin, 'Ada', { department_id: department.id });
    const bob = await createPerson(ctx.sut, admin, 'Bob', { department_id: department.id });
    await assertInUse(admin, `/departments/${department.id}`, 'employees', 2);
    const person = await send(admin, 'get', `/employees/${ada}`);
    assert.equal(person.body.department_id, department.id, 'nobody lost their department');

    assert.equal((await send(admin, 'patch', `/employees/${ada}`, { department_id: null })).status, 200);
    assert.equal((await send(admin, 'delete', `/employees/${bob}`)).status, 204);
    assert.equal(
      (await send(admin, 'delete', `/departments/${department.id}`)).status,
      204,
      'deleted people do not count',
    );
  });

  it('refuses to delete a shift people work, until they are moved', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const shift = await created(admin, '/shifts', {
      name: uniqueName('Early'),
      start_time: '06:00',
      end_time: '14:00',
    });
    const person = await createPerson(ctx.sut, admin, 'Carla', { shift_id: shift });
    await assertInUse(admin, `/shifts/${shift}`, 'employees', 1);
    assert.equal((await send(admin, 'patch', `/employees/${person}`, { shift_id: null })).status, 200);
    assert.equal((await send(admin, 'delete', `/shifts/${shift}`)).status, 204);
  });

  it('refuses to delete a location with cameras, until they are moved', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const location = await created(admin, '/locations', { name: uniqueName('Lobby') });
    const camera = await created(admin, '/cameras', { name: 'Door', location_id: location, source_type: 'usb' });
    await assertInUse(admin, `/locations/${location}`, 'cameras', 1);
    assert.equal((await send(admin, 'patch', `/cameras/${camera}`, { location_id: null })).status, 200);
    assert.equal((await send(admin, 'delete', `/locations/${location}`)).status, 204);
  });

  it('refuses to delete a custom role users hold, until they are reassigned', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const name = uniqueName('auditor').replace('-', '_');
    const role = await created(admin, '/roles', { name, permissions: ['audit:read'] });
    const user = await createUser(ctx.sut, admin, uniqueName('holder'), name);
    await assertInUse(admin, `/roles/${role}`, 'users', 1);
    assert.equal((await send(admin, 'patch', `/users/${user.id}`, { role: 'employee' })).status, 200);
    assert.equal((await send(admin, 'delete', `/roles/${role}`)).status, 204);
  });
});
