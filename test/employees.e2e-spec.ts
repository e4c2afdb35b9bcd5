import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { EnrolmentSummary } from '../src/faces/enrolment-summary.js';
import { createOrganizationWithAdmin, createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json, type Method } from './support/api-calls.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Facets = {
  total: number;
  active: number;
  inactive: number;
  by_department: { department_id: string | null; code: string | null; name: string | null; count: number }[];
  enrolled: number;
  not_enrolled: number;
};
type Page = { count: number; next: string | null; previous: string | null; results: Json[]; facets: Facets };

const YEAR = new Date().getUTCFullYear();

let app: TestApp;
const { send } = apiCalls(() => app);
let root: Session; // the super admin
let admin: Session; // admin of acme, the organisation under test
let operator: Session;
let student: Session; // will be linked to a person
let unlinked: Session; // an employee account linked to no person
let otherAdmin: Session; // admin of globex
let organizationId: string;
let engineering: Json;
let finance: Json;
let foreignDepartment: Json;
let shift: Json;
/** acme's people by first name, as created. */
const people: Record<string, Json> = {};

async function invalidFields(method: Method, path: string, body?: object): Promise<string[]> {
  return expectError(await send(admin, method, path, body), 400, 'validation_error');
}

async function createPerson(body: object, session = admin): Promise<Json> {
  return expectStatus(await send(session, 'post', '/employees', body), 201);
}

async function list(session: Session, query = ''): Promise<Page> {
  return expectStatus(await send(session, 'get', `/employees${query}`), 200) as unknown as Page;
}

async function names(query: string): Promise<unknown[]> {
  return (await list(admin, query)).results.map((row) => row.first_name);
}

const idOf = (firstName: string) => String(people[firstName]?.id);

void describe('people API', () => {
  before(async () => {
    app = await startTestApp();
    root = await loginAsAdmin(app);
    ({ organizationId, admin } = await createOrganizationWithAdmin(app, root, 'acme'));
    ({ admin: otherAdmin } = await createOrganizationWithAdmin(app, root, 'globex'));
    operator = await createUserAndLogin(app, admin, 'acme-operator', 'operator');
    student = await createUserAndLogin(app, admin, 'acme-student', 'student');
    unlinked = await createUserAndLogin(app, admin, 'acme-employee', 'employee');
    engineering = expectStatus(await send(admin, 'post', '/departments', { name: 'Engineering', code: 'ENG' }), 201);
    finance = expectStatus(await send(admin, 'post', '/departments', { name: 'Finance', code: 'FIN' }), 201);
    shift = expectStatus(
      await send(admin, 'post', '/shifts', { name: 'Day', start_time: '09:00', end_time: '17:00' }),
      201,
    );
    const foreign = { name: 'Globex engineering', code: 'GENG' };
    foreignDepartment = expectStatus(await send(otherAdmin, 'post', '/departments', foreign), 201);
  });
  after(() => app.close());

  void describe('create', () => {
    it("generates codes from the department's code, the year and a counter per prefix", async () => {
      const eng = String(engineering.id);
      people.Ada = await createPerson({
        first_name: ' Ada ',
        last_name: 'Lovelace',
        department_id: eng,
        email: 'Ada@Example.com',
        phone: '+44 20 7946 0958',
        shift_id: shift.id,
        date_of_birth: '1915-12-10',
        emergency_contact: { name: 'Annabella', phone: '+442079460000', relation: 'mother' },
        metadata: { badge: 17, tags: ['math'] },
      });
      assert.deepEqual(
        [people.Ada.code, people.Ada.first_name, people.Ada.full_name, people.Ada.kind, people.Ada.email],
        [`ENG-${YEAR}-0001`, 'Ada', 'Ada Lovelace', 'employee', 'ada@example.com'],
      );
      assert.deepEqual(people.Ada.department, { id: eng, code: 'ENG', name: 'Engineering' });
      assert.deepEqual(
        [people.Ada.phone, people.Ada.date_of_birth, people.Ada.shift_id, people.Ada.is_active],
        ['+442079460958', '1915-12-10', shift.id, true],
      );
      assert.deepEqual(people.Ada.emergency_contact, { name: 'Annabella', phone: '+442079460000', relation: 'mother' });
      assert.deepEqual(people.Ada.metadata, { badge: 17, tags: ['math'] });
      assert.equal(people.Ada.organization_id, organizationId);
      for (const hidden of ['deleted_at', 'deletedAt', 'organizationId']) assert.ok(!(hidden in people.Ada), hidden);

      people.Alan = await createPerson({ first_name: 'Alan', last_name: 'Turing', department_id: eng });
      assert.equal(people.Alan.code, `ENG-${YEAR}-0002`);
      people.Grace = await createPerson({
        first_name: 'Grace',
        last_name: 'Hopper',
        kind: 'student',
        department_id: eng,
        code: `ENG-${YEAR}-0003`,
      });
      assert.deepEqual([people.Grace.code, people.Grace.kind], [`ENG-${YEAR}-0003`, 'student']);
      people.Edsger = await createPerson({
        first_name: 'Edsger',
        last_name: 'Dijkstra',
        department_id: eng,
        is_active: false,
      });
      assert.equal(people.Edsger.code, `ENG-${YEAR}-0004`, 'the counter skips the number a manual code took');

      people.Barbara = await createPerson({ first_name: 'Barbara', last_name: 'Liskov', kind: 'student' });
      assert.deepEqual([people.Barbara.code, people.Barbara.department], [`GEN-${YEAR}-0001`, null]);
      assert.deepEqual([people.Barbara.last_name, people.Barbara.metadata], ['Liskov', {}]);
      people.Donald = await createPerson({
        first_name: 'Donald',
        last_name: 'Knuth',
        department_id: finance.id,
        joining_date: '2019-06-01',
      });
      assert.deepEqual([people.Donald.code, people.Donald.joining_date], ['FIN-2019-0001', '2019-06-01']);
      const solo = await createPerson({ first_name: 'Cher' });
      assert.deepEqual([solo.code, solo.last_name, solo.full_name], [`GEN-${YEAR}-0002`, '', 'Cher']);
      expectStatus(await send(admin, 'delete', `/employees/${String(solo.id)}`), 204);
    });

    it('hands out distinct numbers to concurrent creates', async () => {
      const ops = expectStatus(await send(admin, 'post', '/departments', { name: 'Operations', code: 'OPS' }), 201);
      const created = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => createPerson({ first_name: `Ops${n}`, department_id: ops.id })),
      );
      const codes = created.map((person) => person.code).sort();
      assert.deepEqual(
        codes,
        [1, 2, 3, 4, 5].map((n) => `OPS-${YEAR}-000${n}`),
      );
      for (const person of created) expectStatus(await send(admin, 'delete', `/employees/${String(person.id)}`), 204);
      expectStatus(await send(admin, 'delete', `/departments/${String(ops.id)}`), 204);
    });

    it('refuses a taken code or email in any case with 409 naming the field', async () => {
      const code = await send(admin, 'post', '/employees', { first_name: 'X', code: `eng-${YEAR}-0001` });
      assert.deepEqual(expectError(code, 409, 'conflict'), ['code']);
      const email = await send(admin, 'post', '/employees', { first_name: 'X', email: 'ADA@example.COM' });
      assert.deepEqual(expectError(email, 409, 'conflict'), ['email']);
    });

    it('lists every invalid field', async () => {
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
      assert.deepEqual(await invalidFields('post', '/employees', body), [
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
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', phone: '+1234567890123456' }), [
        'phone',
      ]);
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', phone: 'abcdefghijk' }), ['phone']);
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', date_of_birth: '10/12/1815' }), [
        'date_of_birth',
      ]);
      assert.deepEqual(await invalidFields('post', '/employees', { last_name: 'Nameless' }), ['first_name']);
    });

    it('rejects a department, shift or user of another organisation as 400 naming the field', async () => {
      const foreign = { first_name: 'X', department_id: foreignDepartment.id };
      assert.deepEqual(await invalidFields('post', '/employees', foreign), ['department_id']);
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', department_id: randomUUID() }), [
        'department_id',
      ]);
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', shift_id: randomUUID() }), [
        'shift_id',
      ]);
      assert.deepEqual(await invalidFields('post', '/employees', { first_name: 'X', user_id: otherAdmin.user.id }), [
        'user_id',
      ]);
      assert.equal(
        (await list(admin, '?search=X&page_size=100')).results.filter((p) => p.first_name === 'X').length,
        0,
      );
    });
  });

  void describe('list', () => {
    it('orders by name by default and by name, code or creation time in either direction', async () => {
      const byName = ['Ada', 'Alan', 'Barbara', 'Donald', 'Edsger', 'Grace'];
      assert.deepEqual(await names(''), byName);
      assert.deepEqual(await names('?ordering=name'), byName);
      assert.deepEqual(await names('?ordering=-name'), [...byName].reverse());
      const byCode = ['Ada', 'Alan', 'Grace', 'Edsger', 'Donald', 'Barbara']; // ENG-…-0001…0004, FIN-2019, GEN
      assert.deepEqual(await names('?ordering=code'), byCode);
      assert.deepEqual(await names('?ordering=-code'), [...byCode].reverse());
      const byCreation = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald'];
      assert.deepEqual(await names('?ordering=created_at'), byCreation);
      assert.deepEqual(await names('?ordering=-created_at'), [...byCreation].reverse());
      assert.deepEqual(await invalidFields('get', '/employees?ordering=age'), ['ordering']);
    });

    it('filters by department, kind and activity, and searches names, code and email literally', async () => {
      assert.deepEqual(await names(`?department=${String(engineering.id)}`), ['Ada', 'Alan', 'Edsger', 'Grace']);
      assert.deepEqual(await names('?kind=student'), ['Barbara', 'Grace']);
      assert.deepEqual(await names('?is_active=false'), ['Edsger']);
      assert.deepEqual(await names('?is_active=true&kind=student'), ['Barbara', 'Grace']);
      assert.deepEqual(await names('?search=hOPP'), ['Grace']);
      assert.deepEqual(await names('?search=ada%20love'), ['Ada']);
      assert.deepEqual(await names('?search=fin-2019'), ['Donald']);
      assert.deepEqual(await names('?search=ADA%40EXAMPLE'), ['Ada']);
      assert.deepEqual(await names('?search=%25'), []); // LIKE wildcards match literally
      assert.deepEqual(await names('?search=_'), []);
      assert.deepEqual(await invalidFields('get', '/employees?kind=teacher&department=x&is_active=maybe'), [
        'department',
        'is_active',
        'kind',
      ]);
    });

    it('pages with links that keep the filters', async () => {
      const first = await list(admin, '?kind=employee&page_size=2');
      assert.equal(first.count, 4);
      assert.deepEqual(
        first.results.map((row) => row.first_name),
        ['Ada', 'Alan'],
      );
      assert.deepEqual([first.next, first.previous], ['/api/v1/employees?kind=employee&page_size=2&page=2', null]);
      const second = await list(admin, '?kind=employee&page_size=2&page=2');
      assert.deepEqual(
        second.results.map((row) => row.first_name),
        ['Donald', 'Edsger'],
      );
      assert.deepEqual([second.next, second.previous], [null, '/api/v1/employees?kind=employee&page_size=2&page=1']);
      assert.deepEqual(await invalidFields('get', '/employees?page_size=101'), ['page_size']);
      assert.deepEqual(await invalidFields('get', '/employees?page=0'), ['page']);
    });

    it('counts facets over every match of the filters, not only the page', async () => {
      const all = await list(admin, '?page_size=1');
      assert.equal(all.results.length, 1);
      assert.deepEqual(all.facets, {
        total: 6,
        active: 5,
        inactive: 1,
        by_department: [
          { department_id: engineering.id, code: 'ENG', name: 'Engineering', count: 4 },
          { department_id: finance.id, code: 'FIN', name: 'Finance', count: 1 },
          { department_id: null, code: null, name: null, count: 1 },
        ],
        enrolled: 0,
        not_enrolled: 6,
      });
      const engineers = await list(admin, `?department=${String(engineering.id)}&is_active=true&page_size=1`);
      assert.equal(engineers.count, 3);
      assert.deepEqual(engineers.facets, {
        total: 3,
        active: 3,
        inactive: 0,
        by_department: [{ department_id: engineering.id, code: 'ENG', name: 'Engineering', count: 3 }],
        enrolled: 0,
        not_enrolled: 3,
      });
      const none = await list(admin, '?search=nobody');
      assert.deepEqual(none.facets, {
        total: 0,
        active: 0,
        inactive: 0,
        by_department: [],
        enrolled: 0,
        not_enrolled: 0,
      });
    });
  });

  void describe('read, update and delete', () => {
    it('reads one person with their department and an enrolment summary', async () => {
      const read = expectStatus(await send(admin, 'get', `/employees/${idOf('Ada')}`), 200);
      const { enrolment, ...rest } = read;
      assert.deepEqual(enrolment, { templates: 0, angles: [] });
      assert.deepEqual(rest, people.Ada);
      expectError(await send(admin, 'get', `/employees/${randomUUID()}`), 404, 'not_found');
      expectError(await send(admin, 'get', '/employees/not-a-uuid'), 404, 'not_found');
    });

    it('patches fields, clears nullable ones with null and keeps the rest', async () => {
      const path = `/employees/${idOf('Alan')}`;
      const body = {
        last_name: 'M. Turing',
        phone: '+1 (555) 010-9999',
        department_id: finance.id,
        emergency_contact: { name: 'Ethel', phone: '5550100000' },
        metadata: { room: 'B12' },
      };
      const patched = expectStatus(await send(admin, 'patch', path, body), 200);
      assert.deepEqual(
        [patched.full_name, patched.phone, patched.code, patched.department],
        ['Alan M. Turing', '+15550109999', `ENG-${YEAR}-0002`, { id: finance.id, code: 'FIN', name: 'Finance' }],
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
      expectStatus(await send(admin, 'patch', path, { department_id: engineering.id, last_name: 'Turing' }), 200);
    });

    it('refuses a taken code or email on patch, but not the own code in another case', async () => {
      const path = `/employees/${idOf('Alan')}`;
      assert.deepEqual(expectError(await send(admin, 'patch', path, { code: `ENG-${YEAR}-0001` }), 409, 'conflict'), [
        'code',
      ]);
      assert.deepEqual(expectError(await send(admin, 'patch', path, { email: 'ada@example.com' }), 409, 'conflict'), [
        'email',
      ]);
      const recased = expectStatus(await send(admin, 'patch', path, { code: `eng-${YEAR}-0002` }), 200);
      assert.equal(recased.code, `eng-${YEAR}-0002`);
      expectStatus(await send(admin, 'patch', path, { code: `ENG-${YEAR}-0002` }), 200);
      assert.deepEqual(await invalidFields('patch', path, { first_name: null, kind: null, is_active: null }), [
        'first_name',
        'is_active',
        'kind',
      ]);
      assert.deepEqual(await invalidFields('patch', path, { department_id: foreignDepartment.id }), ['department_id']);
      assert.deepEqual(await invalidFields('patch', path, { date_of_birth: '2999-12-31' }), ['date_of_birth']);
    });

    it('soft-deletes: the person leaves reads and lists, and their code and email become free', async () => {
      const temp = await createPerson({ first_name: 'Temp', code: 'TMP-1', email: 'temp@example.com' });
      const path = `/employees/${String(temp.id)}`;
      assert.equal((await list(admin)).count, 7);
      expectStatus(await send(admin, 'delete', path), 204);
      expectError(await send(admin, 'get', path), 404, 'not_found');
      expectError(await send(admin, 'patch', path, { first_name: 'Back' }), 404, 'not_found');
      expectError(await send(admin, 'delete', path), 404, 'not_found');
      const after = await list(admin, '?search=temp');
      assert.deepEqual([after.count, after.facets.total], [0, 0]);
      assert.equal((await list(admin)).count, 6);
      const again = await createPerson({ first_name: 'Temp', code: 'tmp-1', email: 'TEMP@example.com' });
      expectStatus(await send(admin, 'delete', `/employees/${String(again.id)}`), 204);
    });

    it('audits every write in the organisation', async () => {
      const temp = await createPerson({ first_name: 'Audited' });
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

  void describe('self-service and permissions', () => {
    it('lets a linked student read their own record at /employees/me, and nothing else', async () => {
      const path = `/employees/${idOf('Grace')}`;
      expectStatus(await send(admin, 'patch', path, { user_id: student.user.id }), 200);
      const own = expectStatus(await send(student, 'get', '/employees/me'), 200);
      assert.deepEqual([own.id, own.code, own.user_id], [idOf('Grace'), `ENG-${YEAR}-0003`, student.user.id]);
      assert.deepEqual(own.enrolment, { templates: 0, angles: [] });
      expectError(await send(student, 'get', '/employees'), 403, 'forbidden');
      expectError(await send(student, 'get', path), 403, 'forbidden');
      expectError(await send(student, 'get', `/employees/${idOf('Ada')}`), 403, 'forbidden');
      expectError(await send(student, 'patch', path, { first_name: 'Me' }), 403, 'forbidden');
    });

    it('answers 404 on /employees/me for an account linked to no person', async () => {
      expectError(await send(unlinked, 'get', '/employees/me'), 404, 'not_found');
      expectError(await send(admin, 'get', '/employees/me'), 404, 'not_found');
    });

    it('links one person per user account', async () => {
      const taken = await send(admin, 'patch', `/employees/${idOf('Ada')}`, { user_id: student.user.id });
      assert.deepEqual(expectError(taken, 409, 'conflict'), ['user_id']);
      const create = await send(admin, 'post', '/employees', { first_name: 'Twin', user_id: student.user.id });
      assert.deepEqual(expectError(create, 409, 'conflict'), ['user_id']);
      assert.deepEqual(await invalidFields('patch', `/employees/${idOf('Ada')}`, { user_id: randomUUID() }), [
        'user_id',
      ]);
    });

    it('lets an operator read people but not change them', async () => {
      assert.equal((await list(operator)).count, 6);
      expectStatus(await send(operator, 'get', `/employees/${idOf('Ada')}`), 200);
      expectError(await send(operator, 'post', '/employees', { first_name: 'Op' }), 403, 'forbidden');
      expectError(await send(operator, 'patch', `/employees/${idOf('Ada')}`, { first_name: 'Op' }), 403, 'forbidden');
      expectError(await send(operator, 'delete', `/employees/${idOf('Ada')}`), 403, 'forbidden');
    });
  });

  void describe('tenant isolation', () => {
    it("gives another organisation's admin 404 on every one of acme's people", async () => {
      const path = `/employees/${idOf('Ada')}`;
      const unknown = (await send(otherAdmin, 'get', `/employees/${randomUUID()}`)).body as Json;
      const foreign = expectStatus(await send(otherAdmin, 'get', path), 404);
      assert.deepEqual([foreign.error, foreign.message], [unknown.error, unknown.message]);
      expectError(await send(otherAdmin, 'patch', path, { first_name: 'Hijacked' }), 404, 'not_found');
      expectError(await send(otherAdmin, 'delete', path), 404, 'not_found');
      const theirs = await list(otherAdmin, '?search=ada');
      assert.deepEqual([theirs.count, theirs.facets.total], [0, 0]);
      const read = expectStatus(await send(admin, 'get', path), 200);
      assert.equal(read.first_name, 'Ada');
    });

    it('keeps codes, emails and counters per organisation', async () => {
      const twin = await createPerson(
        { first_name: 'Ada', code: `ENG-${YEAR}-0001`, email: 'ada@example.com' },
        otherAdmin,
      );
      assert.equal(twin.code, `ENG-${YEAR}-0001`);
      const generated = await createPerson({ first_name: 'Gen', department_id: foreignDepartment.id }, otherAdmin);
      assert.equal(generated.code, `GENG-${YEAR}-0001`);
      const plain = await createPerson({ first_name: 'Plain' }, otherAdmin);
      assert.equal(plain.code, `GEN-${YEAR}-0001`);
      assert.equal((await list(otherAdmin)).count, 3);
      assert.equal((await list(admin)).count, 6);
    });
  });

  void describe('enrolment', () => {
    it('counts people with face templates in the facets and summarises them on read', async () => {
      const db = app.app.get(DataSource);
      for (const angle of ['left', 'front', 'front']) {
        await db.query(
          `INSERT INTO face_templates (organization_id, employee_id, angle, embedding, model_id, model_version,
             quality_score, quality)
           VALUES ($1, $2, $3, '\\x00', 'test', '1', 0.9, '{}')`,
          [organizationId, idOf('Ada'), angle],
        );
      }
      // Templates are written by the faces feature, which then refreshes the person's summary the same way.
      await app.app.get(EnrolmentSummary).record(db.manager, organizationId, idOf('Ada'));
      const read = expectStatus(await send(admin, 'get', `/employees/${idOf('Ada')}`), 200);
      assert.deepEqual(read.enrolment, { templates: 3, angles: ['front', 'left'] });
      const all = await list(admin);
      assert.deepEqual([all.facets.enrolled, all.facets.not_enrolled], [1, 5]);
      const students = await list(admin, '?kind=student');
      assert.deepEqual([students.facets.enrolled, students.facets.not_enrolled], [0, 2]);
      const theirs = await list(otherAdmin);
      assert.deepEqual([theirs.facets.enrolled, theirs.facets.not_enrolled], [0, 3]);
    });
  });
});
