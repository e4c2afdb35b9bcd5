import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Response } from 'supertest';
import {
  bearer,
  createOrganizationWithAdmin,
  createUserAndLogin,
  loginAsAdmin,
  type Session,
} from './support/api-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Json = Record<string, unknown>;
type Page = { count: number; next: string | null; previous: string | null; results: Json[] };
type Method = 'get' | 'post' | 'patch' | 'delete';

let app: TestApp;
let root: Session; // the super admin
let admin: Session; // admin of the organisation under test
let operator: Session;
let employee: Session;
let organizationId: string;

function send(session: Session, method: Method, path: string, body?: object) {
  const request = app.http()[method](`/api/v1${path}`).set(bearer(session));
  return body === undefined ? request : request.send(body);
}

function expectStatus(response: Response, status: number): Json {
  assert.equal(response.status, status, `${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as Json;
}

/** Asserts the error shape and returns the sorted fields named in `details`. */
function expectError(response: Response, status: number, error: string): string[] {
  const body = expectStatus(response, status);
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.trace_id, 'string');
  return ((body.details ?? []) as { field: string }[]).map((detail) => detail.field).sort();
}

async function create(path: string, body: object): Promise<Json> {
  return expectStatus(await send(admin, 'post', path, body), 201);
}

async function list(session: Session, path: string): Promise<Page> {
  return expectStatus(await send(session, 'get', path), 200) as unknown as Page;
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
      const body = {
        name: '',
        code: 'x',
        timezone: 'Mars/Base',
        working_hours: { start: '25:00', end: '17:00' },
        x: 1,
      };
      const fields = expectError(await send(root, 'post', '/organizations', body), 400, 'validation_error');
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
      const found = await list(root, '/organizations?search=GLOB');
      assert.deepEqual(
        found.results.map((org) => org.id),
        [globexId],
      );
      const tooBig = await send(root, 'get', '/organizations?page_size=101');
      assert.deepEqual(expectError(tooBig, 400, 'validation_error'), ['page_size']);
    });

    it('patches an organisation, refuses a taken code and deactivates it on delete', async () => {
      assert.deepEqual(
        expectError(await send(root, 'patch', `/organizations/${globexId}`, { code: 'ACME' }), 409, 'conflict'),
        ['code'],
      );
      const patched = expectStatus(
        await send(root, 'patch', `/organizations/${globexId}`, { name: 'Globex Ltd' }),
        200,
      );
      assert.equal(patched.name, 'Globex Ltd');
      expectStatus(await send(root, 'delete', `/organizations/${globexId}`), 204);
      assert.equal(expectStatus(await send(root, 'get', `/organizations/${globexId}`), 200).is_active, false);
      expectError(await send(root, 'delete', `/organizations/${randomUUID()}`), 404, 'not_found');
      const actions = await auditActions(root, globexId, root.user.organization_id);
      assert.deepEqual(actions, ['organization.created', 'organization.updated', 'organization.updated']);
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
      const invalid = await send(admin, 'post', '/departments', { name: '', code: 'e', manager_id: 'x', colour: 1 });
      assert.deepEqual(expectError(invalid, 400, 'validation_error'), ['code', 'colour', 'manager_id', 'name']);
      const foreign = { name: 'Ops', code: 'OPS', manager_id: root.user.id };
      assert.deepEqual(expectError(await send(admin, 'post', '/departments', foreign), 400, 'validation_error'), [
        'manager_id',
      ]);
      const patch = await send(admin, 'patch', `/departments/${String(engineering.id)}`, { manager_id: root.user.id });
      assert.deepEqual(expectError(patch, 400, 'validation_error'), ['manager_id']);
    });

    it('pages and searches departments', async () => {
      await create('/departments', { name: 'Finance', code: 'fin' });
      await create('/departments', { name: 'Sales', code: 'sal' });
      const first = await list(admin, '/departments?page_size=2');
      assert.equal(first.count, 3);
      assert.deepEqual(
        first.results.map((d) => d.code),
        ['ENG', 'FIN'],
      );
      assert.equal(first.next, '/api/v1/departments?page_size=2&page=2');
      assert.equal(first.previous, null);
      const second = await list(admin, '/departments?page=2&page_size=2');
      assert.deepEqual(
        second.results.map((d) => d.code),
        ['SAL'],
      );
      assert.deepEqual([second.next, second.previous], [null, '/api/v1/departments?page=1&page_size=2']);
      assert.deepEqual(
        (await list(admin, '/departments?search=fin')).results.map((d) => d.code),
        ['FIN'],
      );
      assert.deepEqual(expectError(await send(admin, 'get', '/departments?page_size=101'), 400, 'validation_error'), [
        'page_size',
      ]);
    });

    it('patches, deletes, and audits every write', async () => {
      const path = `/departments/${String(engineering.id)}`;
      expectError(await send(admin, 'patch', path, { code: 'fin' }), 409, 'conflict');
      const patched = expectStatus(
        await send(admin, 'patch', path, { code: 'rnd', name: 'R&D', manager_id: null }),
        200,
      );
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
      const body = { name: 'Main gate', location_type: 'gate', description: 'Front', building: 'A', floor: 'G' };
      gate = await create('/locations', { ...body, area: 'North', latitude: 12.971599, longitude: -77.594566 });
      const read = expectStatus(await send(admin, 'get', `/locations/${String(gate.id)}`), 200);
      for (const location of [gate, read]) {
        assert.deepEqual(
          [location.name, location.location_type, location.building, location.floor, location.area],
          ['Main gate', 'gate', 'A', 'G', 'North'],
        );
        assert.deepEqual([location.latitude, location.longitude], [12.971599, -77.594566]);
        assert.equal(location.organization_id, organizationId);
      }
      const plain = await create('/locations', { name: 'Lab' });
      assert.deepEqual([plain.location_type, plain.latitude, plain.longitude], ['other', null, null]);
    });

    it('rejects out-of-range coordinates, unknown types and unknown fields', async () => {
      const body = { name: 'X', latitude: 91, longitude: -181, location_type: 'moon', colour: 'red' };
      const fields = expectError(await send(admin, 'post', '/locations', body), 400, 'validation_error');
      assert.deepEqual(fields, ['colour', 'latitude', 'location_type', 'longitude']);
      const strings = await send(admin, 'post', '/locations', { name: 'X', latitude: '45.5', longitude: '10' });
      assert.deepEqual(expectError(strings, 400, 'validation_error'), ['latitude', 'longitude']);
    });

    it('filters by type and searches name, building and area', async () => {
      assert.deepEqual(
        (await list(admin, '/locations?location_type=gate')).results.map((l) => l.name),
        ['Main gate'],
      );
      assert.deepEqual(
        (await list(admin, '/locations?search=nort')).results.map((l) => l.name),
        ['Main gate'],
      );
      assert.deepEqual((await list(admin, '/locations?page_size=1')).next, '/api/v1/locations?page_size=1&page=2');
      expectError(await send(admin, 'get', '/locations?location_type=moon'), 400, 'validation_error');
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
      const duplicate = await send(admin, 'post', '/shifts', {
        name: 'MORNING',
        start_time: '08:00',
        end_time: '12:00',
      });
      assert.deepEqual(expectError(duplicate, 409, 'conflict'), ['name']);
    });

    it('rejects bad times, weekdays 0 or 8 and unknown fields', async () => {
      const bad = { name: 'Bad', start_time: '9:00', end_time: '24:00', grace_minutes: -1, extra: true };
      const fields = expectError(await send(admin, 'post', '/shifts', bad), 400, 'validation_error');
      assert.deepEqual(fields, ['end_time', 'extra', 'grace_minutes', 'start_time']);
      for (const day of [0, 8]) {
        const body = { name: 'Bad', start_time: '09:00', end_time: '17:00', working_days: [1, day] };
        assert.deepEqual(expectError(await send(admin, 'post', '/shifts', body), 400, 'validation_error'), [
          'working_days',
        ]);
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

  const nullTodo = 'known bug: @IsOptional() lets null through to NOT NULL columns, so these answer 500 (logged)';
  it('answers 400, not 500, when a PATCH sets a required field to null', { todo: nullTodo }, async () => {
    const first = async (collection: string) => String((await list(admin, `/${collection}`)).results[0]?.id);
    const cases: [Session, string, object][] = [
      [root, `/organizations/${organizationId}`, { timezone: null }],
      [admin, `/departments/${await first('departments')}`, { code: null }],
      [admin, `/locations/${await first('locations')}`, { name: null }],
      [admin, `/shifts/${await first('shifts')}`, { working_days: null }],
    ];
    for (const [session, path, body] of cases)
      expectError(await send(session, 'patch', path, body), 400, 'validation_error');
  });
});
