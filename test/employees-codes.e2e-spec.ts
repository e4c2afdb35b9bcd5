import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDepartment, createOrganizationWithAdmin } from './support/api-client.js';
import { apiCalls, expectError, expectStatus } from './support/api-calls.js';
import { createPersonRecord, listPeople } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

const YEAR = new Date().getUTCFullYear();

/** Person codes: `<department code or GEN>-<joining year>-<counter>`, unique per organisation in any case. */
void describe('people codes', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  it("generates codes from the department's code, the year and a counter per prefix", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const eng = await createDepartment(context.sut, admin, { code: 'ENG' });
    const fin = await createDepartment(context.sut, admin, { code: 'FIN' });
    const person = (fields: object) => createPersonRecord(context.sut, admin, fields);

    assert.equal((await person({ department_id: eng.id })).code, `ENG-${YEAR}-0001`);
    assert.equal((await person({ department_id: eng.id })).code, `ENG-${YEAR}-0002`);
    const manual = await person({ department_id: eng.id, code: `ENG-${YEAR}-0003` });
    assert.equal(manual.code, `ENG-${YEAR}-0003`);
    const next = await person({ department_id: eng.id, is_active: false });
    assert.equal(next.code, `ENG-${YEAR}-0004`, 'the counter skips the number a manual code took');
    assert.equal((await person({ kind: 'student' })).code, `GEN-${YEAR}-0001`, 'no department: GEN');
    const joined = await person({ department_id: fin.id, joining_date: '2019-06-01' });
    assert.deepEqual([joined.code, joined.joining_date], ['FIN-2019-0001', '2019-06-01']);
    assert.equal((await person({})).code, `GEN-${YEAR}-0002`);
  });

  it('hands out distinct numbers to concurrent creates', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const ops = await createDepartment(context.sut, admin, { code: 'OPS' });
    const created = await Promise.all(
      [1, 2, 3, 4, 5].map(() => createPersonRecord(context.sut, admin, { department_id: ops.id })),
    );
    assert.deepEqual(
      created.map((person) => person.code).sort(),
      [1, 2, 3, 4, 5].map((n) => `OPS-${YEAR}-000${n}`),
    );
  });

  it('refuses a taken code in any case, on create and on patch, but not the own code in another case', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const eng = await createDepartment(context.sut, admin, { code: 'ENG' });
    const first = await createPersonRecord(context.sut, admin, { department_id: eng.id });
    const second = await createPersonRecord(context.sut, admin, { department_id: eng.id });
    const taken = await send(admin, 'post', '/employees', { first_name: 'X', code: `eng-${YEAR}-0001` });
    assert.deepEqual(expectError(taken, 409, 'conflict'), ['code']);
    const path = `/employees/${String(second.id)}`;
    assert.deepEqual(expectError(await send(admin, 'patch', path, { code: first.code }), 409, 'conflict'), ['code']);
    const recased = expectStatus(await send(admin, 'patch', path, { code: `eng-${YEAR}-0002` }), 200);
    assert.equal(recased.code, `eng-${YEAR}-0002`);
  });

  it('frees the code of a deleted person', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const gone = await createPersonRecord(context.sut, admin, { code: 'TMP-1' });
    expectStatus(await send(admin, 'delete', `/employees/${String(gone.id)}`), 204);
    assert.equal((await createPersonRecord(context.sut, admin, { code: 'tmp-1' })).code, 'tmp-1');
  });

  it('keeps codes, emails and counters per organisation', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const eng = await createDepartment(context.sut, admin, { code: 'ENG' });
    const ada = await createPersonRecord(context.sut, admin, { department_id: eng.id, email: 'ada@example.com' });
    assert.equal(ada.code, `ENG-${YEAR}-0001`);

    const twin = await createPersonRecord(context.sut, other, { code: `ENG-${YEAR}-0001`, email: 'ada@example.com' });
    assert.equal(twin.code, `ENG-${YEAR}-0001`);
    const theirs = await createDepartment(context.sut, other, { code: 'GENG' });
    assert.equal(
      (await createPersonRecord(context.sut, other, { department_id: theirs.id })).code,
      `GENG-${YEAR}-0001`,
    );
    assert.equal((await createPersonRecord(context.sut, other, {})).code, `GEN-${YEAR}-0001`);
    assert.equal((await createPersonRecord(context.sut, admin, {})).code, `GEN-${YEAR}-0001`, 'its own GEN counter');
    assert.deepEqual(
      [(await listPeople(context.sut, other)).count, (await listPeople(context.sut, admin)).count],
      [3, 2],
    );
  });
});
