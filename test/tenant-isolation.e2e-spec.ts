import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Page = { count: number; results: Json[] };

let app: TestApp;
const { send } = apiCalls(() => app);
let root: Session; // the super admin
let adminA: Session;
let adminB: Session;
let orgA: string;
let orgB: string;
/** A's rows by collection, as A read them right after creating them. */
const rowsOfA: Record<string, Json> = {};
const patchBodies: Record<string, object> = {
  departments: { name: 'Hijacked' },
  locations: { name: 'Hijacked' },
  shifts: { name: 'Hijacked' },
  roles: { description: 'Hijacked' },
  users: { full_name: 'Hijacked' },
};
const collections = Object.keys(patchBodies);

async function list(session: Session, path: string, headers: Record<string, string> = {}): Promise<Page> {
  return expectStatus(await send(session, 'get', path, undefined, headers), 200, path) as unknown as Page;
}

const idOf = (collection: string) => String(rowsOfA[collection]?.id);

void describe('tenant isolation', () => {
  before(async () => {
    app = await startTestApp();
    root = await loginAsAdmin(app);
    ({ organizationId: orgA, admin: adminA } = await createOrganizationWithAdmin(app, root, 'tenant-a'));
    ({ organizationId: orgB, admin: adminB } = await createOrganizationWithAdmin(app, root, 'tenant-b'));
    const bodies: Record<string, object> = {
      departments: { name: 'Alpha research', code: 'ARES', manager_id: adminA.user.id },
      locations: { name: 'Alpha gate', location_type: 'gate', latitude: 10.5, longitude: 20.25 },
      shifts: { name: 'Alpha day', start_time: '08:00', end_time: '16:00', working_days: [1, 2, 3] },
      roles: { name: 'alpha_auditor', permissions: ['audit:read', 'departments:read'] },
      users: { username: 'alpha-user', email: 'alpha-user@example.com', password: 'User-Pass-1', full_name: 'Al' },
    };
    for (const collection of collections) {
      const body = collection === 'users' ? { ...bodies.users, role: 'alpha_auditor' } : bodies[collection];
      const created = expectStatus(await send(adminA, 'post', `/${collection}`, body), 201, collection);
      rowsOfA[collection] = expectStatus(await send(adminA, 'get', `/${collection}/${String(created.id)}`), 200);
    }
  });
  after(() => app.close());

  it("gives B's admin 404, not 403, on reading, changing or deleting each of A's rows", async () => {
    for (const collection of collections) {
      const path = `/${collection}/${idOf(collection)}`;
      expectError(await send(adminB, 'get', path), 404, 'not_found', `GET ${path}`);
      expectError(await send(adminB, 'patch', path, patchBodies[collection]), 404, 'not_found', `PATCH ${path}`);
      expectError(await send(adminB, 'delete', path), 404, 'not_found', `DELETE ${path}`);
    }
  });

  it("answers B exactly as for an id that does not exist, so A's ids do not leak", async () => {
    const answer = async (path: string) => {
      const { error, message, details } = (await send(adminB, 'get', path)).body as Json;
      return { error, message, details };
    };
    for (const collection of [...collections, 'organizations']) {
      const id = collection === 'organizations' ? orgA : idOf(collection);
      assert.deepEqual(
        await answer(`/${collection}/${id}`),
        await answer(`/${collection}/${randomUUID()}`),
        collection,
      );
    }
  });

  it("never shows A's rows in B's lists or searches", async () => {
    for (const collection of ['departments', 'locations', 'shifts']) {
      assert.equal((await list(adminA, `/${collection}`)).count, 1, collection);
      assert.equal((await list(adminB, `/${collection}?page_size=100`)).count, 0, collection);
    }
    assert.equal((await list(adminA, '/departments?search=ARES')).count, 1);
    assert.equal((await list(adminB, '/departments?search=ARES')).count, 0);
    assert.equal((await list(adminB, '/locations?search=Alpha&location_type=gate')).count, 0);
    const users = await list(adminB, '/users?search=alpha');
    assert.equal(users.count, 0);
    const allUsers = await list(adminB, '/users');
    assert.deepEqual(
      allUsers.results.map((user) => user.id),
      [adminB.user.id],
    );
    const roles = (await list(adminB, '/roles?page_size=100')).results;
    assert.ok(roles.length > 0);
    assert.deepEqual(
      roles.filter((role) => !role.built_in),
      [],
    );
  });

  it("does not let B read A's audit trail through any filter", async () => {
    const aIds = new Set(collections.map(idOf));
    const filters = [
      ...collections.map((collection) => `entity_id=${idOf(collection)}`),
      `user_id=${adminA.user.id}`,
      'action=department.created',
      'entity_type=shift',
      'date_from=2000-01-01&date_to=2100-01-01',
      'page_size=100',
    ];
    for (const filter of filters) {
      const { results } = await list(adminB, `/audit-logs?${filter}`);
      for (const row of results) {
        assert.equal(row.organization_id, orgB, filter);
        assert.ok(!aIds.has(String(row.entity_id)) && row.user_id !== adminA.user.id, `${filter} leaked a row of A`);
      }
    }
    assert.equal((await list(adminB, `/audit-logs?entity_id=${idOf('departments')}`)).count, 0);
    // A itself sees its own writes, and the super admin's creation of A's admin.
    const adminCreated = await list(adminA, `/audit-logs?entity_id=${adminA.user.id}&action=user.created`);
    assert.deepEqual(
      adminCreated.results.map((row) => [row.action, row.user_id, row.organization_id]),
      [['user.created', root.user.id, orgA]],
    );
    assert.equal((await list(adminB, `/audit-logs?entity_id=${adminA.user.id}`)).count, 0);
    for (const collection of collections) {
      const { results } = await list(adminA, `/audit-logs?entity_id=${idOf(collection)}`);
      assert.equal(results.length, 1, collection);
      assert.equal(results[0]?.organization_id, orgA);
    }
  });

  it('does not let B read organisation A or create users in it', async () => {
    expectError(await send(adminB, 'get', `/organizations/${orgA}`), 404, 'not_found');
    const organizations = await list(adminB, '/organizations?search=tenant');
    assert.deepEqual(
      organizations.results.map((organization) => organization.id),
      [orgB],
    );
    expectError(await send(adminB, 'patch', `/organizations/${orgA}`, { name: 'Mine' }), 403, 'forbidden');
    const intruder = {
      username: 'intruder',
      email: 'intruder@example.com',
      password: 'User-Pass-1',
      full_name: 'Intruder',
      role: 'employee',
    };
    expectError(await send(adminB, 'post', '/users', { ...intruder, organization_id: orgA }), 403, 'forbidden');
    // A's custom role is unknown in B.
    const withRoleOfA = await send(adminB, 'post', '/users', { ...intruder, role: 'alpha_auditor' });
    expectError(withRoleOfA, 400, 'validation_error');
    // A's user cannot manage a department of B.
    const department = { name: 'Beta', code: 'BETA', manager_id: idOf('users') };
    expectError(await send(adminB, 'post', '/departments', department), 400, 'validation_error');
    assert.equal((await list(adminA, '/users?search=intruder')).count, 0);
    assert.equal((await list(root, '/users?search=intruder')).count, 0);
  });

  it("leaves A's rows unchanged after B's attempts", async () => {
    for (const collection of collections) {
      const now = expectStatus(await send(adminA, 'get', `/${collection}/${idOf(collection)}`), 200, collection);
      assert.deepEqual(now, rowsOfA[collection], collection);
    }
    const organization = expectStatus(await send(adminA, 'get', `/organizations/${orgA}`), 200);
    assert.deepEqual([organization.name, organization.is_active], ['Organisation tenant-a', true]);
    assert.equal((await list(adminA, '/departments')).count, 1);
  });

  void describe('X-Organization-Id', () => {
    it("lets the super admin act inside A and records the write in A's audit trail", async () => {
      const asA = { 'X-Organization-Id': orgA };
      const department = expectStatus(
        await send(root, 'get', `/departments/${idOf('departments')}`, undefined, asA),
        200,
      );
      assert.equal(department.organization_id, orgA);
      assert.equal((await list(root, '/departments', asA)).count, 1);
      expectError(await send(root, 'get', `/departments/${idOf('departments')}`), 404, 'not_found');
      const location = expectStatus(await send(root, 'post', '/locations', { name: 'Root gate' }, asA), 201);
      assert.equal(location.organization_id, orgA);
      const { results } = await list(adminA, `/audit-logs?entity_id=${String(location.id)}`);
      assert.deepEqual(
        results.map((row) => [row.action, row.user_id, row.organization_id]),
        [['location.created', root.user.id, orgA]],
      );
      assert.equal((await list(root, `/audit-logs?entity_id=${String(location.id)}`)).count, 0);
      assert.equal((await list(adminB, `/audit-logs?entity_id=${String(location.id)}`)).count, 0);
    });

    it('refuses the header to anyone but the super admin', async () => {
      const asA = { 'X-Organization-Id': orgA };
      expectError(await send(adminB, 'get', `/departments/${idOf('departments')}`, undefined, asA), 403, 'forbidden');
      expectError(await send(adminB, 'get', '/departments', undefined, asA), 403, 'forbidden');
      expectError(
        await send(adminB, 'post', '/shifts', { name: 'X', start_time: '08:00', end_time: '09:00' }, asA),
        403,
        'forbidden',
      );
      assert.equal((await list(adminA, '/shifts')).count, 1);
      // Naming one's own organisation is harmless.
      assert.equal((await list(adminB, '/departments', { 'X-Organization-Id': orgB })).count, 0);
    });

    it('answers 404 when the super admin names an organisation that does not exist', async () => {
      for (const value of [randomUUID(), 'not-a-uuid']) {
        const response = await send(root, 'get', '/departments', undefined, { 'X-Organization-Id': value });
        expectError(response, 404, 'not_found', value);
      }
    });
  });
});
