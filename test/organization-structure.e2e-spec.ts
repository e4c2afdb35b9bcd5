import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createOrganizationWithAdmin, createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json, type Method } from './support/api-calls.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Page = { count: number; next: string | null; previous: string | null; results: Json[] };

let app: TestApp;
const { send } = apiCalls(() => app);
let root: Session; // the super admin
let admin: Session; // admin of the organisation under test
let operator: Session;
let employee: Session;
let organizationId: string;

/** The fields a 400 validation error names. */
async function invalidFields(session: Session, method: Method, path: string, body?: object): Promise<string[]> {
  return expectError(await send(session, method, path, body), 400, 'validation_error');
}

async function create(path: string, body: object): Promise<Json> {
  return expectStatus(await send(admin, 'post', path, body), 201);
}

async function list(session: Session, path: string): Promise<Page> {
  return expectStatus(await send(session, 'get', path), 200) as unknown as Page;
}

/** One field of every row of a list. */
async function pluck(session: Session, path: string, field: string): Promise<unknown[]> {
  return (await list(session, path)).results.map((row) => row[field]);
}

/** The audit actions recorded for an entity, as the caller's organisation sees them (sorted). */
async function auditActions(session: Session, entityId: string, expectedOrganizationId: string): Promise<string[]> {
  const { results } = await list(session, `/audit-logs?entity_id=${entityId}&page_size=100`);
  for (const row of results) assert.equal(row.organization_id, expectedOrganizationId);
  return results.map((row) => String(row.action)).sort();
}

void describe('organisation structure API', () => {
  before(async () => {
    app = await startTestApp();
    root = await loginAsAdmin(app);
    ({ organizationId, admin } = await createOrganizationWithAdmin(app, root, 'acme'));
    operator = await createUserAndLogin(app, admin, 'acme-operator', 'operator');
    employee = await createUserAndLogin(app, admin, 'acme-employee', 'employee');
  });
  after(() => app.close());

  void describe('organizations', () => {
    let globexId: string;

    it('lets the super admin create an organisation and refuses its code in any case', async () => {
      const body = { name: ' Globex ', code: 'globex', organization_type: 'school', timezone: 'Asia/Kolkata' };
      const created = expectStatus(await send(root, 'post', '/organizations', body), 201);
      globexId = String(created.id);
      assert.deepEqual(
        [created.name, created.code, created.organization_type, created.timezone, created.is_active],
        ['Globex', 'globex', 'school', 'Asia/Kolkata', true],
      );
      const duplicate = await send(root, 'post', '/organizations', { name: 'Other', code: 'GLOBEX' });
      assert.deepEqual(expectError(duplicate, 409, 'conflict'), ['code']);
    });

    it('lists every field that fails validation', async () => {
      const hours = { start: '25:00', end: '17:00' };
      const body = { name: '', code: 'x', timezone: 'Mars/Base', working_hours: hours, x: 1 };
      const fields = await invalidFields(root, 'post', '/organizations', body);
      assert.deepEqual(fields, ['code', 'name', 'timezone', 'working_hours.start', 'x']);
    });

    it('pages and searches organisations for the super admin', async () => {
      const first = await list(root, '/organizations?page_size=1');
      assert.equal(first.count, 3); // default, acme, globex
      assert.equal(first.results.length, 1);
      assert.equal(first.next, '/api/v1/organizations?page_size=1&page=2');
      assert.equal(first.previous, null);
      const last = await list(root, '/organizations?page_size=1&page=3');
      assert.equal(last.next, null);
      assert.equal(last.previous, '/api/v1/organizations?page_size=1&page=2');
      assert.deepEqual(await pluck(root, '/organizations?search=GLOB', 'id'), [globexId]);
      assert.deepEqual(await invalidFields(root, 'get', '/organizations?page_size=101'), ['page_size']);
    });

    it('patches an organisation, refuses a taken code and deactivates it on delete', async () => {
      const path = `/organizations/${globexId}`;
      assert.deepEqual(expectError(await send(root, 'patch', path, { code: 'ACME' }), 409, 'conflict'), ['code']);
      const hours = { start: '08:00', end: '16:30' };
      const patched = expectStatus(await send(root, 'patch', path, { name: 'Globex Ltd', working_hours: hours }), 200);
      assert.deepEqual([patched.name, patched.working_hours], ['Globex Ltd', hours]);
      expectStatus(await send(root, 'delete', `/organizations/${globexId}`), 204);
      assert.equal(expectStatus(await send(root, 'get', `/organizations/${globexId}`), 200).is_active, false);
      expectError(await send(root, 'delete', `/organizations/${randomUUID()}`), 404, 'not_found');
      // An organisation's own audit trail records what was done to it; the super admin reads it from inside.
      const audit = await app
        .http()
        .get(`/api/v1/audit-logs?entity_id=${globexId}&page_size=100`)
        .set('Authorization', `Bearer ${root.access_token}`)
        .set('X-Organization-Id', globexId);
      assert.equal(audit.status, 200);
      const actions = (audit.body.results as { action: string; organization_id: string }[]).map((row) => {
        assert.equal(row.organization_id, globexId);
        return row.action;
      });
      assert.deepEqual(actions.sort(), ['organization.created', 'organization.updated', 'organization.updated']);
    });

    it('lets everyone else read only their own organisation', async () => {
      const own = await list(admin, '/organizations');
      assert.deepEqual([own.count, own.results[0]?.id], [1, organizationId]);
      assert.equal(expectStatus(await send(operator, 'get', `/organizations/${organizationId}`), 200).code, 'acme');
      expectError(await send(operator, 'get', `/organizations/${globexId}`), 404, 'not_found');
      expectError(await send(admin, 'get', `/organizations/${root.user.organization_id}`), 404, 'not_found');
      expectError(await send(admin, 'post', '/organizations', { name: 'Mine', code: 'mine' }), 403, 'forbidden');
      expectError(await send(admin, 'patch', `/organizations/${organizationId}`, { name: 'Mine' }), 403, 'forbidden');
      expectError(await send(admin, 'delete', `/organizations/${organizationId}`), 403, 'forbidden');
      expectError(await send(employee, 'get', '/organizations'), 403, 'forbidden');
    });
  });

  void describe('departments', () => {
    let engineering: Json;

    it('creates a department with its code upper-cased and refuses a duplicate code', async () => {
      const body = { name: ' Engineering ', code: ' eng ', description: 'Builds things', manager_id: admin.user.id };
      engineering = await create('/departments', body);
      assert.deepEqual(
        [engineering.name, engineering.code, engineering.description, engineering.manager_id],
        ['Engineering', 'ENG', 'Builds things', admin.user.id],
      );
      assert.equal(engineering.organization_id, organizationId);
      const duplicate = await send(admin, 'post', '/departments', { name: 'Other', code: 'Eng' });
      assert.deepEqual(expectError(duplicate, 409, 'conflict'), ['code']);
    });

    it('rejects invalid fields and a manager from another organisation', async () => {
      const invalid = { name: '', code: 'e', manager_id: 'x', colour: 1 };
      const fields = await invalidFields(admin, 'post', '/departments', invalid);
      assert.deepEqual(fields, ['code', 'colour', 'manager_id', 'name']);
      const foreign = { name: 'Ops', code: 'OPS', manager_id: root.user.id };
      assert.deepEqual(await invalidFields(admin, 'post', '/departments', foreign), ['manager_id']);
      const path = `/departments/${String(engineering.id)}`;
      assert.deepEqual(await invalidFields(admin, 'patch', path, { manager_id: root.user.id }), ['manager_id']);
    });

    it('pages and searches departments', async () => {
      await create('/departments', { name: 'Finance', code: 'fin' });
      await create('/departments', { name: 'Sales', code: 'sal' });
      const first = await list(admin, '/departments?page_size=2');
      assert.equal(first.count, 3);
      assert.deepEqual(await pluck(admin, '/departments?page_size=2', 'code'), ['ENG', 'FIN']);
      assert.equal(first.next, '/api/v1/departments?page_size=2&page=2');
      assert.equal(first.previous, null);
      const second = await list(admin, '/departments?page=2&page_size=2');
      assert.deepEqual(await pluck(admin, '/departments?page=2&page_size=2', 'code'), ['SAL']);
      assert.deepEqual([second.next, second.previous], [null, '/api/v1/departments?page=1&page_size=2']);
      assert.deepEqual(await pluck(admin, '/departments?search=fin', 'code'), ['FIN']);
      assert.deepEqual(await pluck(admin, '/departments?search=%25', 'code'), []); // LIKE wildcards match literally
      assert.deepEqual(await invalidFields(admin, 'get', '/departments?page_size=101'), ['page_size']);
      assert.deepEqual(await invalidFields(admin, 'get', '/departments?page=0'), ['page']);
    });

    it('patches, deletes, and audits every write', async () => {
      const path = `/departments/${String(engineering.id)}`;
      expectError(await send(admin, 'patch', path, { code: 'fin' }), 409, 'conflict');
      const body = { code: 'rnd', name: 'R&D', manager_id: null };
      const patched = expectStatus(await send(admin, 'patch', path, body), 200);
      assert.deepEqual([patched.code, patched.name, patched.manager_id], ['RND', 'R&D', null]);
      expectStatus(await send(admin, 'delete', path), 204);
      expectError(await send(admin, 'get', path), 404, 'not_found');
      expectError(await send(admin, 'delete', path), 404, 'not_found');
      const actions = await auditActions(admin, String(engineering.id), organizationId);
      assert.deepEqual(actions, ['department.created', 'department.deleted', 'department.updated']);
      assert.deepEqual(await auditActions(root, String(engineering.id), root.user.organization_id), []);
    });

    it('lets an operator read departments but not change them; an employee gets 403 on everything', async () => {
      const { results } = await list(operator, '/departments');
      const id = String(results[0]?.id);
      expectStatus(await send(operator, 'get', `/departments/${id}`), 200);
      expectError(await send(operator, 'post', '/departments', { name: 'Ops', code: 'OPS' }), 403, 'forbidden');
      expectError(await send(operator, 'patch', `/departments/${id}`, { name: 'Ops' }), 403, 'forbidden');
      expectError(await send(operator, 'delete', `/departments/${id}`), 403, 'forbidden');
      expectError(await send(employee, 'post', '/departments', { name: 'Ops', code: 'OPS' }), 403, 'forbidden');
      expectError(await send(employee, 'get', '/departments'), 403, 'forbidden');
      assert.equal((await list(admin, '/departments')).count, 2);
    });
  });

  void describe('locations', () => {
    let gate: Json;

    it('creates a location with numeric coordinates', async () => {
      const body = { name: 'Main gate', location_type: 'gate', description: 'Front', building: 'Block Z', floor: 'G' };
      gate = await create('/locations', { ...body, area: 'North', latitude: 12.971599, longitude: -77.594566 });
      const read = expectStatus(await send(admin, 'get', `/locations/${String(gate.id)}`), 200);
      for (const location of [gate, read]) {
        assert.deepEqual(
          [location.name, location.location_type, location.building, location.floor, location.area],
          ['Main gate', 'gate', 'Block Z', 'G', 'North'],
        );
        assert.deepEqual([location.latitude, location.longitude], [12.971599, -77.594566]);
        assert.equal(location.organization_id, organizationId);
      }
      const plain = await create('/locations', { name: 'Lab' });
      assert.deepEqual([plain.location_type, plain.latitude, plain.longitude], ['other', null, null]);
    });

    it('rejects out-of-range coordinates, unknown types and unknown fields', async () => {
      const body = { name: 'X', latitude: 91, longitude: -181, location_type: 'moon', colour: 'red' };
      const fields = await invalidFields(admin, 'post', '/locations', body);
      assert.deepEqual(fields, ['colour', 'latitude', 'location_type', 'longitude']);
      const strings = { name: 'X', latitude: '45.5', longitude: '10' };
      assert.deepEqual(await invalidFields(admin, 'post', '/locations', strings), ['latitude', 'longitude']);
    });

    it('filters by type and searches name, building and area', async () => {
      assert.deepEqual(await pluck(admin, '/locations?location_type=gate', 'name'), ['Main gate']);
      assert.deepEqual(await pluck(admin, '/locations?search=nort', 'name'), ['Main gate']);
      assert.deepEqual(await pluck(admin, '/locations?search=BLOCK', 'name'), ['Main gate']);
      assert.deepEqual((await list(admin, '/locations?page_size=1')).next, '/api/v1/locations?page_size=1&page=2');
      assert.deepEqual(await invalidFields(admin, 'get', '/locations?location_type=moon'), ['location_type']);
    });

    it('patches, deletes, audits, and refuses writes without the permission', async () => {
      const path = `/locations/${String(gate.id)}`;
      const patched = expectStatus(await send(admin, 'patch', path, { latitude: -33.5, floor: '1' }), 200);
      assert.deepEqual([patched.latitude, patched.longitude, patched.floor], [-33.5, -77.594566, '1']);
      expectError(await send(employee, 'post', '/locations', { name: 'Y' }), 403, 'forbidden');
      expectError(await send(operator, 'delete', path), 403, 'forbidden');
      expectStatus(await send(admin, 'delete', path), 204);
      expectError(await send(admin, 'get', path), 404, 'not_found');
      const actions = await auditActions(admin, String(gate.id), organizationId);
      assert.deepEqual(actions, ['location.created', 'location.deleted', 'location.updated']);
    });
  });

  void describe('shifts', () => {
    let morning: Json;

    it('creates shifts with sorted working days and defaults', async () => {
      const body = { name: 'Morning', start_time: '09:00', end_time: '17:30', grace_minutes: 10 };
      morning = await create('/shifts', { ...body, working_days: [5, 1, 3, 2, 4] });
      assert.deepEqual(
        [morning.name, morning.start_time, morning.end_time, morning.grace_minutes, morning.working_days],
        ['Morning', '09:00', '17:30', 10, [1, 2, 3, 4, 5]],
      );
      const night = await create('/shifts', { name: 'Night', start_time: '22:00', end_time: '06:00' });
      assert.deepEqual([night.grace_minutes, night.working_days], [0, [1, 2, 3, 4, 5]]);
      const duplicate = { name: 'MORNING', start_time: '08:00', end_time: '12:00' };
      assert.deepEqual(expectError(await send(admin, 'post', '/shifts', duplicate), 409, 'conflict'), ['name']);
    });

    it('rejects bad times, weekdays 0 or 8 and unknown fields', async () => {
      const bad = { name: 'Bad', start_time: '9:00', end_time: '24:00', grace_minutes: -1, extra: true };
      const fields = await invalidFields(admin, 'post', '/shifts', bad);
      assert.deepEqual(fields, ['end_time', 'extra', 'grace_minutes', 'start_time']);
      for (const working_days of [[1, 0], [1, 8], [], [2, 2]]) {
        const body = { name: 'Bad', start_time: '09:00', end_time: '17:00', working_days };
        assert.deepEqual(
          await invalidFields(admin, 'post', '/shifts', body),
          ['working_days'],
          JSON.stringify(working_days),
        );
      }
    });

    it('pages, patches, deletes and audits shifts', async () => {
      const first = await list(operator, '/shifts?page_size=1');
      assert.deepEqual(
        [first.count, first.results[0]?.name, first.next],
        [2, 'Morning', '/api/v1/shifts?page_size=1&page=2'],
      );
      const path = `/shifts/${String(morning.id)}`;
      expectError(await send(admin, 'patch', path, { name: 'night' }), 409, 'conflict');
      const patched = expectStatus(await send(admin, 'patch', path, { end_time: '18:00', working_days: [7, 6] }), 200);
      assert.deepEqual([patched.start_time, patched.end_time, patched.working_days], ['09:00', '18:00', [6, 7]]);
      expectError(await send(employee, 'patch', path, { name: 'Early' }), 403, 'forbidden');
      expectStatus(await send(admin, 'delete', path), 204);
      expectError(await send(admin, 'get', path), 404, 'not_found');
      const actions = await auditActions(admin, String(morning.id), organizationId);
      assert.deepEqual(actions, ['shift.created', 'shift.deleted', 'shift.updated']);
    });
  });

  it('answers 400, not 500, when a PATCH sets a required field to null', async () => {
    const first = async (collection: string) => String((await list(admin, `/${collection}`)).results[0]?.id);
    const cases: [Session, string, object][] = [
      [root, `/organizations/${organizationId}`, { timezone: null }],
      [admin, `/departments/${await first('departments')}`, { code: null }],
      [admin, `/locations/${await first('locations')}`, { name: null }],
      [admin, `/shifts/${await first('shifts')}`, { working_days: null }],
    ];
    for (const [session, path, body] of cases) await invalidFields(session, 'patch', path, body);
  });
});
