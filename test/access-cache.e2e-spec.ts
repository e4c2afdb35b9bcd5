import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { OrganizationsService } from '../src/organizations/organizations.service.js';
import { RolesService } from '../src/roles/roles.service.js';
import { UserAccounts } from '../src/users/user-accounts.js';
import {
  bearer,
  createOrganizationWithAdmin,
  createUserAndLogin,
  login,
  loginAsAdmin,
  type Session,
  uniqueName,
  USER_PASSWORD,
} from './support/api-client.js';
import { retryWithin } from './support/retry-within.js';
import { spy } from './support/spy.js';
import { startReplica, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/**
 * What an access token proves (its user, their permissions, that the login and the organisation are live) is
 * cached per instance so that an authenticated request costs no query, and dropped by every change that ends or
 * narrows access: the next request after the change is refused, on the instance that made it at once, and on
 * another instance on the same PostgreSQL as soon as the change's notification arrives (within a second).
 */

/** A caller whose access one change ends or narrows: the request they make, and what it answers after. */
interface Revocation {
  session: Session;
  path: string;
  change(): Promise<void>;
  status: number;
  error?: string;
}

type Arrange = (sut: TestApp, superAdmin: Session) => Promise<Revocation>;

const send = (
  app: TestApp,
  session: Session,
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  body?: object,
) => app.http()[method](`/api/v1${path}`).set(bearer(session)).send(body);

async function expectOk(app: TestApp, session: Session, path: string, status = 200): Promise<void> {
  const response = await send(app, session, 'get', path);
  assert.equal(response.status, status, JSON.stringify(response.body));
}

const REVOCATIONS: Record<string, Arrange> = {
  'a permission taken from the caller’s role': async (sut, superAdmin) => {
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const name = uniqueName('reader').replace('-', '_');
    const role = await send(sut, admin, 'post', '/roles', { name, permissions: ['departments:read', 'audit:read'] });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const session = await createUserAndLogin(sut, admin, uniqueName('reader'), name);
    return {
      session,
      path: '/departments',
      change: async () => {
        const id = (role.body as { id: string }).id;
        assert.equal((await send(sut, admin, 'patch', `/roles/${id}`, { permissions: ['audit:read'] })).status, 200);
      },
      status: 403,
    };
  },
  'a new role for the caller': async (sut, superAdmin) => {
    const session = await createUserAndLogin(sut, superAdmin, uniqueName('moved'), 'manager');
    return {
      session,
      path: '/departments',
      change: async () => {
        const changed = await send(sut, superAdmin, 'patch', `/users/${session.user.id}`, { role: 'employee' });
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
      },
      status: 401,
    };
  },
  'the caller’s account deactivated': async (sut, superAdmin) => {
    const session = await createUserAndLogin(sut, superAdmin, uniqueName('gone'), 'manager');
    return {
      session,
      path: '/departments',
      change: async () => {
        assert.equal((await send(sut, superAdmin, 'delete', `/users/${session.user.id}`)).status, 204);
      },
      status: 401,
    };
  },
  'the caller’s organisation deactivated': async (sut, superAdmin) => {
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    return {
      session: admin,
      path: '/departments',
      change: async () => {
        assert.equal((await send(sut, superAdmin, 'delete', `/organizations/${organizationId}`)).status, 204);
      },
      status: 401,
      error: 'organization_inactive',
    };
  },
  logout: async (sut, superAdmin) => {
    const session = await createUserAndLogin(sut, superAdmin, uniqueName('leaving'), 'manager');
    return {
      session,
      path: '/departments',
      change: async () => {
        const logout = await sut.http().post('/api/v1/auth/logout').send({ refresh_token: session.refresh_token });
        assert.equal(logout.status, 200);
      },
      status: 401,
      error: 'session_ended',
    };
  },
  'a refresh token used twice': async (sut, superAdmin) => {
    const first = await createUserAndLogin(sut, superAdmin, uniqueName('leaky'), 'manager');
    const rotated = await sut.http().post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token });
    assert.equal(rotated.status, 200);
    return {
      session: rotated.body as Session,
      path: '/departments',
      change: async () => {
        const reused = await sut.http().post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token });
        assert.equal(reused.status, 401);
      },
      status: 401,
      error: 'session_ended',
    };
  },
  'a password change in another login': async (sut, superAdmin) => {
    const username = uniqueName('changing');
    const session = await createUserAndLogin(sut, superAdmin, username, 'manager');
    const other = await login(sut, username, USER_PASSWORD);
    return {
      session,
      path: '/departments',
      change: async () => {
        const changed = await send(sut, other, 'post', '/auth/change-password', {
          old_password: USER_PASSWORD,
          new_password: 'Another-Pass-2',
        });
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
      },
      status: 401,
      error: 'session_ended',
    };
  },
};

describe('access checks answered from memory', () => {
  let sut: TestApp;
  let superAdmin: Session;
  before(async () => {
    // No grace window: a second use of a refresh token is reuse at once, not two tabs refreshing together.
    sut = await startTestApp({ REFRESH_GRACE_SECONDS: '0' });
    superAdmin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  it('reads no user, role, organisation or login once a token has been checked', async () => {
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const name = uniqueName('custom').replace('-', '_');
    assert.equal((await send(sut, admin, 'post', '/roles', { name, permissions: ['departments:read'] })).status, 201);
    const session = await createUserAndLogin(sut, admin, uniqueName('custom'), name);
    await expectOk(sut, session, '/departments');
    const reads = countReads(sut);
    for (let i = 0; i < 5; i++) await expectOk(sut, session, '/departments');
    assert.deepEqual(reads.stop(), { users: 0, roles: 0, organizations: 0, logins: 0 });
    // The counters do count: a token of another user is checked against the database once.
    const other = await createUserAndLogin(sut, admin, uniqueName('custom'), name);
    const first = countReads(sut);
    await expectOk(sut, other, '/departments');
    await expectOk(sut, other, '/departments');
    assert.deepEqual(first.stop(), { users: 1, roles: 1, organizations: 0, logins: 1 });
  });

  for (const [change, arrange] of Object.entries(REVOCATIONS)) {
    it(`refuses the next request after ${change}`, async () => {
      const revocation = await arrange(sut, superAdmin);
      await expectOk(sut, revocation.session, revocation.path);
      await expectOk(sut, revocation.session, revocation.path);
      await revocation.change();
      const refused = await send(sut, revocation.session, 'get', revocation.path);
      assert.equal(refused.status, revocation.status, JSON.stringify(refused.body));
      if (revocation.error) assert.equal(refused.body.error, revocation.error);
    });
  }
});

describe(
  'access checks on a second instance',
  { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    let sut: TestApp;
    let replica: TestApp;
    let superAdmin: Session;
    before(async () => {
      sut = await startTestApp({ REFRESH_GRACE_SECONDS: '0' });
      replica = await startReplica(sut);
      superAdmin = await loginAsAdmin(sut);
    });
    after(async () => {
      await replica?.close();
      await sut?.close();
    });

    for (const [change, arrange] of Object.entries(REVOCATIONS)) {
      it(`refuses on instance B, within a second, the next request after ${change} on instance A`, async () => {
        const revocation = await arrange(sut, superAdmin);
        await expectOk(replica, revocation.session, revocation.path);
        await expectOk(replica, revocation.session, revocation.path);
        await revocation.change();
        const refused = await retryWithin(
          1000,
          () => send(replica, revocation.session, 'get', revocation.path),
          (response) => response.status === revocation.status,
        );
        assert.equal(refused.status, revocation.status, JSON.stringify(refused.body));
        if (revocation.error) assert.equal(refused.body.error, revocation.error);
      });
    }
  },
);

/** Counts what access checks read from the database until `stop()`: users, custom roles, organisations, logins. */
function countReads(sut: TestApp): { stop(): Record<'users' | 'roles' | 'organizations' | 'logins', number> } {
  const counts = { users: 0, roles: 0, organizations: 0, logins: 0 };
  const restore = [
    spy(sut.app.get(UserAccounts), 'findById', () => (counts.users += 1)),
    spy(sut.app.get(RolesService), 'permissionsOf', () => (counts.roles += 1)),
    spy(sut.app.get(OrganizationsService), 'activeState', () => (counts.organizations += 1)),
    spy(sut.app.get(DataSource), 'query', (sql: unknown) => {
      if (typeof sql === 'string' && sql.includes('refresh_tokens')) counts.logins += 1;
    }),
  ];
  return {
    stop() {
      restore.forEach((undo) => undo());
      return { ...counts };
    },
  };
}
