import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DepartmentsService } from '../src/departments/departments.service.js';
import { EmployeesRepository } from '../src/employees/employees.repository.js';
import { createDepartment, createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectStatus, type Json } from './support/api-calls.js';
import { createPersonRecord, enrollFaces, listPeople } from './support/people.js';
import { retryWithin } from './support/retry-within.js';
import { spy } from './support/spy.js';
import { startReplica, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

/**
 * The pages of the people and department lists are cached per instance (see ListCache), and dropped by every
 * change to what they show: the next list after a change shows it, on the instance that made it at once, and on
 * another instance on the same PostgreSQL as soon as the change's notification arrives (within a second).
 */

/** The private methods the read counts watch, reachable at run time. */
type Methods = Record<'findPage', (...args: unknown[]) => unknown>;

interface Site {
  admin: Session;
  departmentId: string;
  personId: string;
}

/** A new organisation with a department and one person in it. */
async function site(sut: TestApp, superAdmin: Session): Promise<Site> {
  const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
  const department = await createDepartment(sut, admin, { name: 'Engineering', code: 'ENG' });
  const person = await createPersonRecord(sut, admin, {
    first_name: 'Ada',
    last_name: 'Lovelace',
    department_id: department.id,
  });
  return { admin, departmentId: department.id, personId: String(person.id) };
}

const peopleOf = async (sut: TestApp, { admin }: Site, query = '') => listPeople(sut, admin, query);

/** A change made through the API, and what the list shows after it. */
interface Change {
  make(sut: TestApp, site: Site): Promise<void>;
  /** Reads the list on `sut`: true once it shows the change. */
  shown(sut: TestApp, site: Site): Promise<boolean>;
}

const firstPerson = async (sut: TestApp, site: Site, query = ''): Promise<Json> =>
  (await peopleOf(sut, site, query)).results[0];

const CHANGES: Record<string, Change> = {
  'a person renamed': {
    make: async (sut, { admin, personId }) => {
      expectStatus(
        await apiCalls(() => sut).send(admin, 'patch', `/employees/${personId}`, { first_name: 'Augusta' }),
        200,
      );
    },
    shown: async (sut, site) => (await firstPerson(sut, site)).first_name === 'Augusta',
  },
  'a person added': {
    make: async (sut, { admin }) => void (await createPersonRecord(sut, admin, { first_name: 'Alan' })),
    shown: async (sut, site) => (await peopleOf(sut, site)).count === 2,
  },
  'a person deleted': {
    make: async (sut, { admin, personId }) => {
      expectStatus(await apiCalls(() => sut).send(admin, 'delete', `/employees/${personId}`), 204);
    },
    shown: async (sut, site) => (await peopleOf(sut, site)).count === 0,
  },
  'a person deactivated (facets)': {
    make: async (sut, { admin, personId }) => {
      expectStatus(await apiCalls(() => sut).send(admin, 'patch', `/employees/${personId}`, { is_active: false }), 200);
    },
    shown: async (sut, site) => (await peopleOf(sut, site, '?facets=true')).facets?.inactive === 1,
  },
  "the person's department renamed": {
    make: async (sut, { admin, departmentId }) => {
      const { send } = apiCalls(() => sut);
      expectStatus(await send(admin, 'patch', `/departments/${departmentId}`, { name: 'Research' }), 200);
    },
    shown: async (sut, site) => ((await firstPerson(sut, site)).department as Json).name === 'Research',
  },
  'a face enrolled': {
    make: async (sut, { admin, personId }) =>
      void (await enrollFaces(sut, admin, personId, [['knn', 'test', 'obama1.jpg']])),
    shown: async (sut, site) => typeof (await firstPerson(sut, site)).thumbnail_url === 'string',
  },
};

/** Lists the site's people (plain and with facets) on `sut`, so that both pages are cached there. */
async function cacheLists(sut: TestApp, site: Site): Promise<void> {
  for (const query of ['', '?facets=true']) {
    const page = await peopleOf(sut, site, query);
    assert.equal(page.count, 1);
    assert.equal(page.results[0].first_name, 'Ada');
  }
}

describe('people and department lists answered from memory', () => {
  let sut: TestApp;
  let superAdmin: Session;
  before(async () => {
    sut = await startTestApp();
    superAdmin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  it('reads a page once while nothing changes, per organisation and query', async () => {
    const first = await site(sut, superAdmin);
    const second = await site(sut, superAdmin);
    const reads = { people: 0, departments: 0 };
    const restore = [
      spy(sut.app.get<EmployeesRepository, Methods>(EmployeesRepository), 'findPage', () => (reads.people += 1)),
      spy(sut.app.get<DepartmentsService, Methods>(DepartmentsService), 'findPage', () => (reads.departments += 1)),
    ];
    try {
      for (let round = 0; round < 3; round++) {
        await peopleOf(sut, first);
        await peopleOf(sut, first, '?ordering=-name');
        expectStatus(await apiCalls(() => sut).send(first.admin, 'get', '/departments'), 200);
      }
      assert.deepEqual(reads, { people: 2, departments: 1 });
      // The defaults spelt out, or the same query string in another order, are the same page; another
      // organisation's is its own.
      await peopleOf(sut, first, '?page=1&page_size=20&ordering=name');
      await peopleOf(sut, first, '?kind=employee&ordering=-name');
      await peopleOf(sut, first, '?ordering=-name&kind=employee');
      await peopleOf(sut, second);
      assert.deepEqual(reads, { people: 4, departments: 1 });
      assert.equal((await firstPerson(sut, second)).id, second.personId, "each organisation's own people");
    } finally {
      restore.forEach((undo) => undo());
    }
  });

  /** Changes to one organisation that must leave another's cached pages as they are. */
  const ELSEWHERE: Record<string, (site: Site) => Promise<void>> = {
    'a face is enrolled': async ({ admin, personId }) =>
      void (await enrollFaces(sut, admin, personId, [['knn', 'test', 'obama1.jpg']])),
    'a person is deleted': async ({ admin, personId }) => {
      expectStatus(await apiCalls(() => sut).send(admin, 'delete', `/employees/${personId}`), 204);
    },
    'a person is erased': async ({ admin, personId }) => {
      expectStatus(await apiCalls(() => sut).send(admin, 'delete', `/employees/${personId}?erase=true`), 204);
    },
    'a department is deleted': async ({ admin }) => {
      const empty = await createDepartment(sut, admin, { name: 'Empty', code: 'EMPTY' });
      expectStatus(await apiCalls(() => sut).send(admin, 'delete', `/departments/${empty.id}`), 204);
    },
  };

  for (const [name, change] of Object.entries(ELSEWHERE)) {
    it(`keeps another organisation's pages when ${name}`, async () => {
      const changing = await site(sut, superAdmin);
      const other = await site(sut, superAdmin);
      const departmentsOf = async ({ admin }: Site) =>
        expectStatus(await apiCalls(() => sut).send(admin, 'get', '/departments'), 200);
      for (const place of [changing, other]) {
        await cacheLists(sut, place);
        await departmentsOf(place);
      }
      const reads = { people: 0, departments: 0 };
      const restore = [
        spy(sut.app.get<EmployeesRepository, Methods>(EmployeesRepository), 'findPage', () => (reads.people += 1)),
        spy(sut.app.get<DepartmentsService, Methods>(DepartmentsService), 'findPage', () => (reads.departments += 1)),
      ];
      try {
        await change(changing);
        await cacheLists(sut, other);
        await departmentsOf(other);
        assert.deepEqual(reads, { people: 0, departments: 0 }, "the other organisation's pages were read again");
        await peopleOf(sut, changing);
        await departmentsOf(changing);
        assert.deepEqual(reads, { people: 1, departments: 1 }, "the changed organisation's pages were read again");
      } finally {
        restore.forEach((undo) => undo());
      }
    });
  }

  for (const [name, change] of Object.entries(CHANGES)) {
    it(`shows ${name} in the next list`, async () => {
      const place = await site(sut, superAdmin);
      await cacheLists(sut, place);
      await change.make(sut, place);
      assert.equal(await change.shown(sut, place), true);
    });
  }

  it('shows a department added or renamed in the next department list', async () => {
    const place = await site(sut, superAdmin);
    const { send } = apiCalls(() => sut);
    const names = async () =>
      (expectStatus(await send(place.admin, 'get', '/departments'), 200).results as Json[]).map((row) => row.name);
    assert.deepEqual(await names(), ['Engineering']);
    await createDepartment(sut, place.admin, { name: 'Finance', code: 'FIN' });
    assert.deepEqual(await names(), ['Engineering', 'Finance']);
    expectStatus(await send(place.admin, 'patch', `/departments/${place.departmentId}`, { name: 'Research' }), 200);
    assert.deepEqual(await names(), ['Finance', 'Research']);
  });
});

describe(
  'people lists on a second instance',
  { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' },
  () => {
    let sut: TestApp;
    let replica: TestApp;
    let superAdmin: Session;
    before(async () => {
      sut = await startTestApp();
      replica = await startReplica(sut);
      superAdmin = await loginAsAdmin(sut);
    });
    after(async () => {
      await replica?.close();
      await sut?.close();
    });

    for (const [name, change] of Object.entries(CHANGES)) {
      it(`shows on instance B, within a second, ${name} on instance A`, async () => {
        const place = await site(sut, superAdmin);
        await cacheLists(replica, place);
        await change.make(sut, place);
        assert.equal(await retryWithin(1000, () => change.shown(replica, place), Boolean), true);
      });
    }
  },
);
