import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { EnrollmentSummary } from '../src/faces/enrollment-summary.js';
import { createDepartment, createOrganizationWithAdmin } from './support/api-client.js';
import { apiCalls, expectInvalidFields } from './support/api-calls.js';
import { createPersonRecord, listPeople } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const YEAR = new Date().getUTCFullYear();

/** Listing people: ordering, filters, search, pages with links, and facets over every match when asked. */
void describe('people API: list', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  /**
   * A new organisation with six people, created in this order: four in Engineering (Grace a student with a
   * manual code, Edsger inactive), Barbara a student in no department, Donald in Finance since 2019.
   */
  async function organizationWithPeople() {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const engineering = await createDepartment(context.sut, admin, { name: 'Engineering', code: 'ENG' });
    const finance = await createDepartment(context.sut, admin, { name: 'Finance', code: 'FIN' });
    const people: Record<string, string> = {};
    for (const fields of [
      { first_name: 'Ada', last_name: 'Lovelace', department_id: engineering.id, email: 'ada@example.com' },
      { first_name: 'Alan', last_name: 'Turing', department_id: engineering.id },
      {
        first_name: 'Grace',
        last_name: 'Hopper',
        kind: 'student',
        department_id: engineering.id,
        code: `ENG-${YEAR}-0003`,
      },
      { first_name: 'Edsger', last_name: 'Dijkstra', department_id: engineering.id, is_active: false },
      { first_name: 'Barbara', last_name: 'Liskov', kind: 'student' },
      { first_name: 'Donald', last_name: 'Knuth', department_id: finance.id, joining_date: '2019-06-01' },
    ]) {
      people[fields.first_name] = String((await createPersonRecord(context.sut, admin, fields)).id);
    }
    const names = async (query: string) =>
      (await listPeople(context.sut, admin, query)).results.map((row) => row.first_name);
    return { organizationId, admin, engineering, finance, people, names };
  }

  it('orders by name by default and by name, code or creation time in either direction', async () => {
    const { admin, names } = await organizationWithPeople();
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
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/employees?ordering=age')), ['ordering']);
  });

  it('filters by department, kind and activity, and searches names, code and email literally', async () => {
    const { admin, engineering, names } = await organizationWithPeople();
    assert.deepEqual(await names(`?department_id=${engineering.id}`), ['Ada', 'Alan', 'Edsger', 'Grace']);
    assert.deepEqual(await names(`?department=${engineering.id}`), ['Ada', 'Alan', 'Edsger', 'Grace'], 'old name');
    assert.deepEqual(await names('?kind=student'), ['Barbara', 'Grace']);
    assert.deepEqual(await names('?is_active=false'), ['Edsger']);
    assert.deepEqual(await names('?is_active=true&kind=student'), ['Barbara', 'Grace']);
    assert.deepEqual(await names('?search=hOPP'), ['Grace']);
    assert.deepEqual(await names('?search=ada%20love'), ['Ada']);
    assert.deepEqual(await names('?search=fin-2019'), ['Donald']);
    assert.deepEqual(await names('?search=ADA%40EXAMPLE'), ['Ada']);
    assert.deepEqual(await names('?search=%25'), []); // LIKE wildcards match literally
    assert.deepEqual(await names('?search=_'), []);
    const invalid = await send(admin, 'get', '/employees?kind=teacher&department_id=x&department=y&is_active=maybe');
    assert.deepEqual(expectInvalidFields(invalid), ['department', 'department_id', 'is_active', 'kind']);
  });

  it('pages with links that keep the filters', async () => {
    const { admin } = await organizationWithPeople();
    const first = await listPeople(context.sut, admin, '?kind=employee&page_size=2');
    assert.equal(first.count, 4);
    assert.deepEqual(
      first.results.map((row) => row.first_name),
      ['Ada', 'Alan'],
    );
    assert.deepEqual([first.next, first.previous], ['/api/v1/employees?kind=employee&page_size=2&page=2', null]);
    const second = await listPeople(context.sut, admin, '?kind=employee&page_size=2&page=2');
    assert.deepEqual(
      second.results.map((row) => row.first_name),
      ['Donald', 'Edsger'],
    );
    assert.deepEqual([second.next, second.previous], [null, '/api/v1/employees?kind=employee&page_size=2&page=1']);
    const beyond = await listPeople(context.sut, admin, '?kind=employee&page_size=2&page=5');
    assert.deepEqual([beyond.count, beyond.results.length], [4, 0], 'a page past the end still counts every match');
    assert.equal(beyond.previous, '/api/v1/employees?kind=employee&page_size=2&page=2');
    const nobody = await listPeople(context.sut, admin, '?search=nobody');
    assert.deepEqual([nobody.count, nobody.results, nobody.next, nobody.previous], [0, [], null, null]);
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/employees?page_size=101')), ['page_size']);
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/employees?page=0')), ['page']);
  });

  it('counts facets only when asked with facets=true', async () => {
    const { admin } = await organizationWithPeople();
    const plain = await listPeople(context.sut, admin, '?page_size=2');
    assert.deepEqual(Object.keys(plain).sort(), ['count', 'next', 'previous', 'results']);
    assert.equal((await listPeople(context.sut, admin, '?facets=false')).facets, undefined);
    const asked = await listPeople(context.sut, admin, '?page_size=2&facets=true');
    assert.deepEqual(Object.keys(asked).sort(), ['count', 'facets', 'next', 'previous', 'results']);
    assert.equal(asked.facets?.total, 6);
    assert.equal(asked.next, '/api/v1/employees?page_size=2&facets=true&page=2', 'links keep asking for facets');
    assert.deepEqual(expectInvalidFields(await send(admin, 'get', '/employees?facets=maybe')), ['facets']);
  });

  it('counts facets over every match of the filters, not only the page', async () => {
    const { admin, engineering, finance } = await organizationWithPeople();
    const all = await listPeople(context.sut, admin, '?page_size=1&facets=true');
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
    const engineers = await listPeople(
      context.sut,
      admin,
      `?department_id=${engineering.id}&is_active=true&page_size=1&facets=true`,
    );
    assert.equal(engineers.count, 3);
    assert.deepEqual(engineers.facets, {
      total: 3,
      active: 3,
      inactive: 0,
      by_department: [{ department_id: engineering.id, code: 'ENG', name: 'Engineering', count: 3 }],
      enrolled: 0,
      not_enrolled: 3,
    });
    const none = await listPeople(context.sut, admin, '?search=nobody&facets=true');
    assert.deepEqual(none.facets, {
      total: 0,
      active: 0,
      inactive: 0,
      by_department: [],
      enrolled: 0,
      not_enrolled: 0,
    });
  });

  it('counts people with face templates in the facets and summarises them on read', async () => {
    const { organizationId, admin, people } = await organizationWithPeople();
    const { admin: otherAdmin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    await createPersonRecord(context.sut, otherAdmin);
    // Templates written directly: what is counted, not how enrollment makes them (faces.e2e-spec enrolls photos).
    const db = context.sut.app.get(DataSource);
    for (const angle of ['left', 'front', 'front']) {
      await db.query(
        `INSERT INTO face_templates (organization_id, employee_id, angle, embedding, model_id, model_version,
           quality_score, quality)
         VALUES ($1, $2, $3, '\\x00', 'test', '1', 0.9, '{}')`,
        [organizationId, people.Ada, angle],
      );
    }
    // The faces feature refreshes the person's summary the same way after writing templates.
    await context.sut.app.get(EnrollmentSummary).record(db.manager, organizationId, people.Ada);
    const read = await send(admin, 'get', `/employees/${people.Ada}`);
    assert.deepEqual(read.body.enrollment, { templates: 3, angles: ['front', 'left'] });
    const all = await listPeople(context.sut, admin, '?facets=true');
    assert.deepEqual([all.facets?.enrolled, all.facets?.not_enrolled], [1, 5]);
    const enrolledOnly = await listPeople(context.sut, admin, '?search=lovelace&facets=true');
    assert.deepEqual([enrolledOnly.facets?.enrolled, enrolledOnly.facets?.not_enrolled], [1, 0]);
    const students = await listPeople(context.sut, admin, '?kind=student&facets=true');
    assert.deepEqual([students.facets?.enrolled, students.facets?.not_enrolled], [0, 2]);
    const theirs = await listPeople(context.sut, otherAdmin, '?facets=true');
    assert.deepEqual([theirs.facets?.enrolled, theirs.facets?.not_enrolled], [0, 1]);
  });
});
