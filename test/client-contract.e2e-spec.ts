import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, createDepartment, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/** Every list of the API, with an ordering field it documents (`{id}`: a camera id for the keys list). */
const LISTS: [path: string, field: string][] = [
  ['/users', 'username'],
  ['/roles', 'name'],
  ['/organizations', 'code'],
  ['/departments', 'code'],
  ['/locations', 'name'],
  ['/shifts', 'start_time'],
  ['/employees', 'code'],
  ['/employees/{person}/faces', 'created_at'],
  ['/cameras', 'created_at'],
  ['/cameras/{camera}/keys', 'last_used_at'],
  ['/audit-logs', 'action'],
  ['/presence-events', 'occurred_at'],
  ['/attendance/records', 'check_in_at'],
  ['/leave-requests', 'created_at'],
  ['/visitors', 'last_visit_at'],
  ['/visits', 'visit_time'],
];

type FieldError = { field: string; code: string; message: string };

describe('the client contract: lists, dates and errors', () => {
  const ctx = useTestApp();
  const { send } = apiCalls(() => ctx.sut);

  async function organisation(): Promise<{ admin: Session; person: string; camera: string }> {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const person = await createPerson(ctx.sut, admin);
    const camera = String(
      expectStatus(await send(admin, 'post', '/cameras', { name: 'Gate', source_type: 'usb' }), 201).id,
    );
    return { admin, person, camera };
  }

  it('takes ordering (ascending and -descending) on every list and answers the paged shape; an unknown field is a 400', async () => {
    const { admin, person, camera } = await organisation();
    for (const [template, field] of LISTS) {
      const path = template.replace('{person}', person).replace('{camera}', camera);
      for (const ordering of [field, `-${field}`]) {
        const page = expectStatus(await send(admin, 'get', `${path}?ordering=${ordering}`), 200, `${path} ${ordering}`);
        assert.deepEqual(
          ['count', 'next', 'previous', 'results'].filter((key) => !(key in page)),
          [],
          `${path} answers { count, next, previous, results }`,
        );
        assert.ok(Array.isArray(page.results));
      }
      const refused = await send(admin, 'get', `${path}?ordering=nope`);
      expectError(refused, 400, 'validation_error', path);
      assert.deepEqual(
        (refused.body.details as FieldError[]).map(({ field, code }) => [field, code]),
        [['ordering', 'isIn']],
        path,
      );
    }
  });

  it('orders by the asked field both ways', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    for (const code of ['BBB', 'AAA', 'CCC']) await createDepartment(ctx.sut, admin, { code, name: `Dept ${code}` });
    const codes = async (ordering: string) =>
      (expectStatus(await send(admin, 'get', `/departments?ordering=${ordering}`), 200).results as Json[]).map(
        (row) => row.code,
      );
    assert.deepEqual(await codes('code'), ['AAA', 'BBB', 'CCC']);
    assert.deepEqual(await codes('-code'), ['CCC', 'BBB', 'AAA']);
  });

  it('filters people by department_id (and still by the deprecated department)', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const department = await createDepartment(ctx.sut, admin);
    const inside = await createPerson(ctx.sut, admin, 'Inside', { department_id: department.id });
    await createPerson(ctx.sut, admin, 'Outside');
    for (const name of ['department_id', 'department']) {
      const page = expectStatus(await send(admin, 'get', `/employees?${name}=${department.id}`), 200);
      assert.deepEqual(
        (page.results as Json[]).map((row) => row.id),
        [inside],
        name,
      );
    }
  });

  it('takes ISO 8601 dates only, and a bare date_to includes that whole day', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    await createDepartment(ctx.sut, admin);
    const today = new Date().toISOString().slice(0, 10);
    const logs = expectStatus(
      await send(admin, 'get', `/audit-logs?action=department.created&date_from=${today}&date_to=${today}`),
      200,
    );
    assert.equal(logs.count, 1, 'the same day as from and to is that day');
    for (const path of ['/audit-logs', '/presence-events', '/visits', '/attendance/records', '/leave-requests']) {
      const refused = await send(admin, 'get', `${path}?date_from=03/12/2026`);
      expectError(refused, 400, 'validation_error', path);
      assert.deepEqual(
        (refused.body.details as FieldError[]).map(({ field }) => field),
        ['date_from'],
        `${path}: one entry`,
      );
      assert.match((refused.body.details as FieldError[])[0].message, /ISO 8601/, path);
    }
    for (const value of ['2026-03-12', '2026-03-12T08:30:00Z', '2026-03-12T08:30:00.123+05:30']) {
      expectStatus(await send(admin, 'get', `/audit-logs?date_to=${encodeURIComponent(value)}`), 200, value);
    }
  });

  it('gives validation errors a machine code per rule, and one entry for a missing field', async () => {
    const { admin } = await createOrganizationWithAdmin(ctx.sut, ctx.superAdmin);
    const missing = await send(admin, 'post', '/departments', { surplus: 1 });
    expectError(missing, 400, 'validation_error');
    const details = missing.body.details as FieldError[];
    assert.deepEqual(details.map(({ field, code }) => [field, code]).sort(), [
      ['code', 'required'],
      ['name', 'required'],
      ['surplus', 'unknown_field'],
    ]);
    assert.equal(details.find((detail) => detail.field === 'name')?.message, 'name is required');

    const wrong = await send(admin, 'get', '/employees?department_id=x&page=0');
    expectError(wrong, 400, 'validation_error');
    assert.deepEqual((wrong.body.details as FieldError[]).map(({ field, code }) => [field, code]).sort(), [
      ['department_id', 'isUuid'],
      ['page', 'min'],
    ]);

    await createDepartment(ctx.sut, admin, { code: 'DUP' });
    const duplicate = await send(admin, 'post', '/departments', { code: 'DUP', name: 'Again' });
    expectError(duplicate, 409, 'conflict');
    assert.deepEqual(duplicate.body.details, [{ field: 'code', code: 'taken', message: 'code is taken' }]);
  });

  it('answers a JSON route sent text/plain with 415, and unknown routes with the JSON 404', async () => {
    const plain = await ctx.sut
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ username: 'admin', password: 'x' }));
    expectError(plain, 415, 'unsupported_media_type');
    assert.equal(plain.body.details.content_type, 'text/plain');
    assert.ok((plain.body.details.accepted as string[]).includes('application/json'));
    const patch = await ctx.sut
      .http()
      .patch(`/api/v1/departments/${crypto.randomUUID()}`)
      .set(bearer(ctx.superAdmin))
      .set('Content-Type', 'text/plain')
      .send('name=x');
    expectError(patch, 415, 'unsupported_media_type');

    for (const path of ['/api/v1/nothing-here', '/nothing-here', '/api/v2/employees']) {
      const unknown = await ctx.sut.http().get(path).set(bearer(ctx.superAdmin));
      expectError(unknown, 404, 'not_found', path);
      assert.match(unknown.headers['content-type'], /application\/json/, path);
    }
  });
});
