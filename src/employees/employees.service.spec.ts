import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import type { AuditEntry, AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { DepartmentSummary } from '../departments/department.dto.js';
import type { DepartmentsService } from '../departments/departments.service.js';
import type { CreateEmployeeDto } from './employee.dto.js';
import type { Employee } from './employee.entity.js';
import type { EmployeesRepository } from './employees.repository.js';
import type { FileUrls } from '../storage/file-urls.js';
import { ListCache } from '../lists/list-cache.js';
import type { ListInvalidation } from '../lists/list-invalidation.js';
import { EmployeesService } from './employees.service.js';
import type { DomainEventBus } from '../events/domain-event-bus.js';
import type { ShiftsService } from '../shifts/shifts.service.js';
import type { UsersService } from '../users/users.service.js';

const caller = { id: 'user-1', organizationId: 'org-1' } as AuthUser;
const organizationId = 'org-1';
const engineering: DepartmentSummary & { organizationId: string } = {
  id: 'dept-1',
  organizationId,
  code: 'ENG',
  name: 'Engineering',
};
const year = new Date().getUTCFullYear();

/** A repository over in-memory codes and counters; only what create() touches. */
function fakeRepository(takenCodes: string[] = []) {
  const counters = new Map<string, number>();
  const repository = {
    isUserLinked: () => Promise.resolve(false),
    isEmailTaken: () => Promise.resolve(false),
    isCodeTaken: (_organizationId: string, code: string) =>
      Promise.resolve(takenCodes.some((taken) => taken.toLowerCase() === code.toLowerCase())),
    nextCodeSequence: (_manager: EntityManager, organizationId: string, prefix: string) => {
      const key = `${organizationId}/${prefix}`;
      counters.set(key, (counters.get(key) ?? 0) + 1);
      return Promise.resolve(counters.get(key)!);
    },
  };
  return repository as unknown as EmployeesRepository;
}

function setup(takenCodes: string[] = []) {
  const saved: Partial<Employee>[] = [];
  const audits: AuditEntry[] = [];
  const auditManagers: (EntityManager | undefined)[] = [];
  const manager = {
    getRepository: () => ({
      save: (employee: Employee) => {
        const row = Object.assign(employee, { id: `person-${saved.length + 1}`, metadata: employee.metadata ?? {} });
        saved.push(row);
        return Promise.resolve(row);
      },
    }),
  } as unknown as EntityManager;
  const dataSource = {
    transaction: <T>(work: (manager: EntityManager) => Promise<T>) => work(manager),
  } as unknown as DataSource;
  const audit = {
    record: (entry: AuditEntry, auditManager?: EntityManager) => {
      audits.push(entry);
      auditManagers.push(auditManager);
      return Promise.resolve();
    },
  } as unknown as AuditService;
  const events = {} as DomainEventBus; // create publishes nothing
  const shifts = { existsInOrganization: () => Promise.resolve(false) } as unknown as ShiftsService;
  const users = { existsInOrganization: () => Promise.resolve(true) } as unknown as UsersService;
  const departments = {
    summaryOf: (organizationId: string, id: string) =>
      Promise.resolve(organizationId === engineering.organizationId && id === engineering.id ? engineering : null),
  } as unknown as DepartmentsService;
  const urls = { signOptional: (_organizationId: string, id: string | null) => (id ? `/signed/${id}` : null) };
  const sut = new EmployeesService(
    fakeRepository(takenCodes),
    dataSource,
    audit,
    events,
    shifts,
    users,
    departments,
    urls as unknown as FileUrls,
    new ListCache(),
    { watch: () => undefined } as unknown as ListInvalidation,
  );
  return { sut, saved, audits, auditManagers, manager };
}

const person = (input: Partial<CreateEmployeeDto> = {}): CreateEmployeeDto => ({ first_name: 'Ada', ...input });

describe(EmployeesService.name, () => {
  describe('create', () => {
    it('numbers codes per department and year', async () => {
      const { sut } = setup();
      const first = await sut.create(caller, person({ department_id: engineering.id }));
      const second = await sut.create(caller, person({ department_id: engineering.id }));
      const general = await sut.create(caller, person());
      const joined = await sut.create(caller, person({ department_id: engineering.id, joining_date: '2019-04-01' }));
      assert.deepEqual(
        [first.code, second.code, general.code, joined.code],
        [`ENG-${year}-0001`, `ENG-${year}-0002`, `GEN-${year}-0001`, 'ENG-2019-0001'],
      );
      assert.deepEqual(first.department, { id: engineering.id, code: 'ENG', name: 'Engineering' });
    });

    it('skips numbers already held by manual codes, whatever their case', async () => {
      const { sut } = setup([`ENG-${year}-0001`, `eng-${year}-0002`, `ENG-${year}-0004`]);
      const first = await sut.create(caller, person({ department_id: engineering.id }));
      const second = await sut.create(caller, person({ department_id: engineering.id }));
      assert.deepEqual([first.code, second.code], [`ENG-${year}-0003`, `ENG-${year}-0005`]);
    });

    it('keeps a manual code as given', async () => {
      const { sut } = setup();
      assert.equal((await sut.create(caller, person({ code: 'Custom-7' }))).code, 'Custom-7');
    });

    it('refuses a taken manual code with 409 before writing anything', async () => {
      const { sut, saved, audits } = setup(['X-1']);
      await assert.rejects(sut.create(caller, person({ code: 'x-1' })), (error: ApiError) => {
        assert.deepEqual([error.getStatus(), error.code], [409, 'conflict']);
        assert.deepEqual(error.details, [{ field: 'code', errors: ['code is taken'] }]);
        return true;
      });
      assert.deepEqual([saved.length, audits.length], [0, 0]);
    });

    it('names the field when a department or shift is not of the organisation', async () => {
      const { sut } = setup();
      for (const [field, input] of [
        ['department_id', { department_id: 'dept-of-another-org' }],
        ['shift_id', { shift_id: 'shift-2' }],
      ] as const) {
        await assert.rejects(sut.create(caller, person(input)), (error: ApiError) => {
          assert.deepEqual([error.getStatus(), error.code], [400, 'validation_error']);
          assert.equal((error.details as { field: string }[])[0]?.field, field);
          return true;
        });
      }
    });

    it('audits the created person in the same transaction', async () => {
      const { sut, audits, auditManagers, manager } = setup();
      const created = await sut.create(caller, person({ last_name: 'Lovelace' }));
      assert.equal(audits.length, 1);
      assert.deepEqual([audits[0]?.action, audits[0]?.entityId], ['employee.created', created.id]);
      assert.equal((audits[0]?.newValues as { full_name: string }).full_name, 'Ada Lovelace');
      assert.equal(auditManagers[0], manager, "recorded through the transaction's manager");
    });
  });
});
