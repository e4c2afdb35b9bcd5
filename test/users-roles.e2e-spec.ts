import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, createUserAndLogin, login, loginAsAdmin, type Session } from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('users and roles', () => {
  let sut: TestApp;
  let superAdmin: Session;
  let admin: Session;

  before(async () => {
    sut = await startTestApp();
    superAdmin = await loginAsAdmin(sut);
    admin = await createUserAndLogin(sut, superAdmin, 'org-admin', 'admin');
  });
  after(() => sut.close());

  const newUser = (username: string, role: string) => ({
    username,
    email: `${username}@example.com`,
    password: 'Good-Pass-1',
    full_name: `Person ${username}`,
    role,
  });

  it('creates a user and never returns the password hash', async () => {
    const response = await sut.http().post('/api/v1/users').set(bearer(admin)).send(newUser('ann', 'operator'));
    assert.equal(response.status, 201);
    assert.equal(response.body.username, 'ann');
    assert.equal(response.body.role, 'operator');
    assert.equal(response.body.organization_id, admin.user.organization_id);
    assert.equal(response.body.is_active, true);
    assert.ok(!('password' in response.body) && !('password_hash' in response.body));
    const read = await sut.http().get(`/api/v1/users/${response.body.id}`).set(bearer(admin));
    assert.deepEqual(read.body, response.body);
  });

  it('refuses duplicates (case-insensitive) with 409, and weak passwords with 400', async () => {
    const dupName = await sut
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ ...newUser('ANN', 'operator'), email: 'other@example.com' });
    assert.equal(dupName.status, 409);
    assert.equal(dupName.body.details[0].field, 'username');
    const dupMail = await sut
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ ...newUser('ann2', 'operator'), email: 'ANN@example.com' });
    assert.equal(dupMail.status, 409);
    for (const password of ['short1A', 'alllowercase1', 'ALLUPPER1', 'NoDigitsHere']) {
      const weak = await sut
        .http()
        .post('/api/v1/users')
        .set(bearer(admin))
        .send({ ...newUser(`weak${password.length}`, 'employee'), password });
      assert.equal(weak.status, 400, password);
      assert.equal(weak.body.details[0].field, 'password');
    }
    const unknownRole = await sut.http().post('/api/v1/users').set(bearer(admin)).send(newUser('bob', 'wizard'));
    assert.equal(unknownRole.status, 400);
  });

  it('lists users with pagination, role, activity and search filters', async () => {
    for (const name of ['carl', 'cora', 'cyd']) {
      assert.equal(
        (await sut.http().post('/api/v1/users').set(bearer(admin)).send(newUser(name, 'teacher'))).status,
        201,
      );
    }
    const page = await sut.http().get('/api/v1/users?role=teacher&page_size=2').set(bearer(admin));
    assert.equal(page.status, 200);
    assert.equal(page.body.count, 3);
    assert.equal(page.body.results.length, 2);
    assert.equal(page.body.next, '/api/v1/users?role=teacher&page_size=2&page=2');
    const second = await sut.http().get(page.body.next).set(bearer(admin));
    assert.equal(second.body.results.length, 1);
    assert.equal(second.body.next, null);
    const search = await sut.http().get('/api/v1/users?search=COR').set(bearer(admin));
    assert.deepEqual(
      search.body.results.map((user: { username: string }) => user.username),
      ['cora'],
    );
    const like = await sut.http().get('/api/v1/users?search=%25').set(bearer(admin));
    assert.equal(like.body.count, 0, 'a % in the search is matched literally');
    const tooBig = await sut.http().get('/api/v1/users?page_size=101').set(bearer(admin));
    assert.equal(tooBig.status, 400);
  });

  it('updates, deactivates and reactivates a user', async () => {
    const created = await sut.http().post('/api/v1/users').set(bearer(admin)).send(newUser('dora', 'employee'));
    const id = created.body.id as string;
    const patched = await sut
      .http()
      .patch(`/api/v1/users/${id}`)
      .set(bearer(admin))
      .send({ full_name: 'Dora D', role: 'manager' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.full_name, 'Dora D');
    assert.equal(patched.body.role, 'manager');
    assert.equal((await sut.http().delete(`/api/v1/users/${id}`).set(bearer(admin))).status, 204);
    const inactive = await sut.http().get('/api/v1/users?is_active=false').set(bearer(admin));
    assert.ok(inactive.body.results.some((user: { id: string }) => user.id === id));
    const active = await sut.http().get('/api/v1/users?is_active=true').set(bearer(admin));
    assert.ok(!active.body.results.some((user: { id: string }) => user.id === id));
    await sut.http().patch(`/api/v1/users/${id}`).set(bearer(admin)).send({ is_active: true });
    await login(sut, 'dora', 'Good-Pass-1');
  });

  it('ends sessions when an admin changes a role or password', async () => {
    const user = await createUserAndLogin(sut, admin, 'eddy', 'employee');
    await sut.http().patch(`/api/v1/users/${user.user.id}`).set(bearer(admin)).send({ role: 'teacher' });
    assert.equal((await sut.http().get('/api/v1/auth/me').set(bearer(user))).status, 401);
    assert.equal(
      (await sut.http().post('/api/v1/auth/refresh').send({ refresh_token: user.refresh_token })).status,
      401,
    );
  });

  it('does not let anyone grant more than they have', async () => {
    const superRole = await sut.http().post('/api/v1/users').set(bearer(admin)).send(newUser('evil', 'super_admin'));
    assert.equal(superRole.status, 403);
    const manager = await createUserAndLogin(sut, admin, 'manny', 'manager');
    const noWrite = await sut.http().post('/api/v1/users').set(bearer(manager)).send(newUser('fay', 'employee'));
    assert.equal(noWrite.status, 403, 'managers cannot write users');
    const selfDemote = await sut
      .http()
      .patch(`/api/v1/users/${admin.user.id}`)
      .set(bearer(admin))
      .send({ role: 'employee' });
    assert.equal(selfDemote.status, 400);
    const selfDeactivate = await sut.http().delete(`/api/v1/users/${admin.user.id}`).set(bearer(admin));
    assert.equal(selfDeactivate.status, 400);
  });

  it('lists built-in roles with their permissions', async () => {
    const response = await sut.http().get('/api/v1/roles?page_size=100').set(bearer(admin));
    assert.equal(response.status, 200);
    const names = response.body.results.map((role: { name: string }) => role.name);
    for (const name of ['super_admin', 'admin', 'manager', 'operator', 'teacher', 'employee', 'student']) {
      assert.ok(names.includes(name), name);
    }
    const employee = response.body.results.find((role: { name: string }) => role.name === 'employee');
    assert.equal(employee.built_in, true);
    assert.ok(employee.permissions.includes('employees:read_self'));
    assert.ok(!employee.permissions.includes('users:read'));
  });

  it('creates a custom role, assigns it, and enforces its permissions', async () => {
    const created = await sut
      .http()
      .post('/api/v1/roles')
      .set(bearer(admin))
      .send({ name: 'auditor', description: 'Reads the audit log', permissions: ['audit:read', 'users:read'] });
    assert.equal(created.status, 201);
    assert.equal(created.body.built_in, false);
    const auditor = await createUserAndLogin(sut, admin, 'audra', 'auditor');
    assert.deepEqual(auditor.user.permissions, ['audit:read', 'users:read']);
    assert.equal((await sut.http().get('/api/v1/audit-logs').set(bearer(auditor))).status, 200);
    assert.equal((await sut.http().get('/api/v1/departments').set(bearer(auditor))).status, 403);

    const narrowed = await sut
      .http()
      .patch(`/api/v1/roles/${created.body.id}`)
      .set(bearer(admin))
      .send({ permissions: ['users:read'] });
    assert.equal(narrowed.status, 200);
    assert.equal(
      (await sut.http().get('/api/v1/audit-logs').set(bearer(auditor))).status,
      403,
      'permissions apply at once',
    );

    const inUse = await sut.http().delete(`/api/v1/roles/${created.body.id}`).set(bearer(admin));
    assert.equal(inUse.status, 409);
  });

  it('validates custom roles: no built-in names, no unknown permissions, no duplicates, no escalation', async () => {
    const builtIn = await sut.http().post('/api/v1/roles').set(bearer(admin)).send({ name: 'admin', permissions: [] });
    assert.equal(builtIn.status, 409);
    const unknown = await sut
      .http()
      .post('/api/v1/roles')
      .set(bearer(admin))
      .send({ name: 'odd', permissions: ['fly:away'] });
    assert.equal(unknown.status, 400);
    const escalate = await sut
      .http()
      .post('/api/v1/roles')
      .set(bearer(admin))
      .send({ name: 'orgmaker', permissions: ['organizations:write'] });
    assert.equal(escalate.status, 403);
    const first = await sut
      .http()
      .post('/api/v1/roles')
      .set(bearer(admin))
      .send({ name: 'desk', permissions: ['visitors:read'] });
    assert.equal(first.status, 201);
    const again = await sut.http().post('/api/v1/roles').set(bearer(admin)).send({ name: 'desk', permissions: [] });
    assert.equal(again.status, 409);
    assert.equal((await sut.http().delete(`/api/v1/roles/${first.body.id}`).set(bearer(admin))).status, 204);
    assert.equal((await sut.http().get(`/api/v1/roles/${first.body.id}`).set(bearer(admin))).status, 404);
  });
});
