import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BUILT_IN_ROLE_NAMES } from '../src/access/built-in-roles.js';
import { bearer, createUserAndLogin, login, loginAsAdmin, type Session } from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** A custom role that may manage users and nothing else, and one that may only read them. */
const CLERK = { name: 'clerk', permissions: ['users:read', 'users:write'] };
const VIEWER = { name: 'viewer', permissions: ['users:read'] };
const ROLES = [...BUILT_IN_ROLE_NAMES, CLERK.name, VIEWER.name];

/**
 * Who may change whom: a caller changes another user only when the target's permissions are a subset of the
 * caller's, and a super admin only when the caller is one. Written out rather than computed, so the test does not
 * share the implementation's reasoning.
 */
const MAY_CHANGE: Record<string, string[]> = {
  super_admin: ROLES,
  admin: ROLES.filter((role) => role !== 'super_admin'),
  clerk: ['clerk', 'viewer'],
};

describe('changing other users (no account takeover)', () => {
  let sut: TestApp;
  let superAdmin: Session;
  const callers = new Map<string, Session>();

  before(async () => {
    sut = await startTestApp();
    superAdmin = await loginAsAdmin(sut);
    for (const role of [CLERK, VIEWER]) {
      const created = await sut.http().post('/api/v1/roles').set(bearer(superAdmin)).send(role);
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    for (const role of ROLES) callers.set(role, await createUserAndLogin(sut, superAdmin, `caller-${role}`, role));
  });
  after(() => sut.close());

  const patch = (caller: Session, id: string, body: object) =>
    sut.http().patch(`/api/v1/users/${id}`).set(bearer(caller)).send(body);

  it('lets each built-in and custom role change exactly the users it outranks', async () => {
    for (const callerRole of ROLES) {
      const caller = callers.get(callerRole)!;
      for (const targetRole of ROLES) {
        const username = `t-${callerRole}-${targetRole}`.replaceAll('_', '-');
        const target = await createUserAndLogin(sut, superAdmin, username, targetRole);
        const allowed = MAY_CHANGE[callerRole]?.includes(targetRole) ?? false;
        const newRole = targetRole === VIEWER.name ? CLERK.name : VIEWER.name;
        const attempts = [
          { email: `${username}-new@example.com` },
          { password: 'Taken-Over-9' },
          { role: newRole },
          { is_active: false },
        ];
        for (const body of attempts) {
          const response = await patch(caller, target.user.id, body);
          const what = `${callerRole} changing ${targetRole}: ${Object.keys(body)[0]}`;
          assert.equal(response.status, allowed ? 200 : 403, `${what} → ${JSON.stringify(response.body)}`);
        }
        if (allowed) continue;
        const stored = await sut.http().get(`/api/v1/users/${target.user.id}`).set(bearer(superAdmin));
        assert.equal(stored.body.email, `${username}@example.com`);
        assert.equal(stored.body.role, targetRole);
        assert.equal(stored.body.is_active, true);
        await login(sut, username, 'User-Pass-1');
      }
    }
  });

  it('refuses the takeover paths that were open: password, email then reset, deactivating the super admin', async () => {
    const admin = callers.get('admin')!;
    const clerk = callers.get('clerk')!;
    const superAdminId = superAdmin.user.id;
    for (const body of [{ password: 'Taken-Over-9' }, { email: 'mine@example.com' }, { is_active: false }]) {
      assert.equal((await patch(admin, superAdminId, body)).status, 403);
    }
    assert.equal((await sut.http().delete(`/api/v1/users/${superAdminId}`).set(bearer(admin))).status, 403);
    assert.equal((await patch(clerk, admin.user.id, { password: 'Taken-Over-9' })).status, 403);
    assert.equal((await sut.http().delete(`/api/v1/users/${admin.user.id}`).set(bearer(clerk))).status, 403);
    await login(sut, 'admin', 'Admin-Pass-1');
  });

  it('sets no password of its own through PATCH /users (that needs the old password)', async () => {
    const admin = callers.get('admin')!;
    const own = await patch(admin, admin.user.id, { password: 'Taken-Over-9' });
    assert.equal(own.status, 400);
    assert.equal(own.body.error, 'forbidden_self_change');
  });

  it('keeps at least one active super admin when two remove each other at once', async () => {
    const first = await createUserAndLogin(sut, superAdmin, 'sa-one', 'super_admin');
    const second = await createUserAndLogin(sut, superAdmin, 'sa-two', 'super_admin');
    // Leave only these two active: every other super admin (the initial one, the matrix's) is deactivated first.
    const others = await sut
      .http()
      .get('/api/v1/users?role=super_admin&is_active=true&page_size=100')
      .set(bearer(first));
    for (const other of others.body.results as { id: string }[]) {
      if (other.id === first.user.id || other.id === second.user.id) continue;
      assert.equal((await patch(first, other.id, { is_active: false })).status, 200);
    }
    const [a, b] = await Promise.all([
      patch(first, second.user.id, { is_active: false }),
      patch(second, first.user.id, { role: 'admin' }),
    ]);
    const succeeded = [a, b].filter((response) => response.status === 200).length;
    assert.equal(succeeded, 1, `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
    const refused = [a, b].find((response) => response.status !== 200)!;
    assert.ok([409, 401].includes(refused.status), JSON.stringify(refused.body));
    const survivor = a.status === 200 ? first : second;
    const last = await patch(survivor, survivor.user.id, { full_name: 'Last one' });
    assert.equal(last.status, 200, 'the survivor is still an active super admin');
  });
});
