import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import type { DepartmentSummary } from '../departments/department.dto.js';
import { DepartmentsService } from '../departments/departments.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { ShiftSchedule } from '../shifts/shift-schedule.js';
import { ShiftsService } from '../shifts/shifts.service.js';
import { UsersService } from '../users/users.service.js';
import { employeeCodePrefix, employeeCodeYear, formatEmployeeCode } from './employee-code.js';
import {
  applyEmployeeInput,
  type CreateEmployeeDto,
  type EmployeeQuery,
  type UpdateEmployeeDto,
} from './employee.dto.js';
import {
  type DepartmentSummaryDto,
  type EmployeeDetailDto,
  type EmployeeDto,
  type EmployeeFacetsDto,
  type EnrollmentSummaryDto,
  type PersonIdentityDto,
  toEmployeeDto,
} from './employee-response.dto.js';
import { Employee } from './employee.entity.js';
import { EmployeesRepository, type FacetCounts } from './employees.repository.js';
import { FileUrls } from '../storage/file-urls.js';
import { ListCache, listKey } from '../lists/list-cache.js';
import { ListInvalidation } from '../lists/list-invalidation.js';
import { Department } from '../departments/department.entity.js';

/** One active person as attendance sees them. */
export interface RosterEntry {
  id: string;
  code: string;
  fullName: string;
  kind: string;
  shiftId: string | null;
  departmentId: string | null;
  userId: string | null;
  createdAt: Date;
}

/** The people (employees and students) of an organisation. Every query is scoped to the caller's organisation. */
@Injectable()
export class EmployeesService {
  constructor(
    private readonly employees: EmployeesRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly shifts: ShiftsService,
    private readonly users: UsersService,
    private readonly departments: DepartmentsService,
    private readonly urls: FileUrls,
    private readonly lists: ListCache,
    invalidation: ListInvalidation,
  ) {
    // What a page of people shows: their rows and their departments' names (a shift in use cannot be deleted).
    invalidation.watch(Employee, Department);
  }

  /** One page of people; with `facets`, counts over everyone matching the filters too. */
  async list(caller: AuthUser, query: EmployeeQuery): Promise<PageOf<EmployeeDto>> {
    const organizationId = caller.organizationId;
    const load = async () => {
      const [rows, count] = await this.employees.findPage(organizationId, query);
      const counts = query.facets ? await this.employees.facets(organizationId, query) : undefined;
      return { rows, count, facets: counts && (await this.namedFacets(organizationId, counts)) };
    };
    const { rows, count, facets } = await this.lists.get(
      organizationId,
      listKey('employees', query),
      load,
      (page) => page.rows.length,
    );
    // DTOs are built per request: the cached rows are shared, and thumbnail URLs are signed fresh.
    const results = rows.map(({ person, department }) => toEmployeeDto(person, department, this.urls));
    return new PageOf(results, count, query, facets ? { facets } : {});
  }

  async get(caller: AuthUser, id: string): Promise<EmployeeDetailDto> {
    return this.toDetail(await this.employees.findInOrganization(caller.organizationId, id));
  }

  /** The person linked to the caller's own account; 404 when there is none. */
  async getOwn(caller: AuthUser): Promise<EmployeeDetailDto> {
    const employee = await this.employees.findByUser(caller.organizationId, caller.id);
    if (!employee) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'No person is linked to your account');
    return this.toDetail(employee);
  }

  async create(caller: AuthUser, input: CreateEmployeeDto): Promise<EmployeeDto> {
    const organizationId = caller.organizationId;
    const department = await this.checkReferences(organizationId, input);
    if (input.code !== undefined) await this.assertCodeFree(organizationId, input.code);
    if (input.email) await this.assertEmailFree(organizationId, input.email);
    return this.dataSource.transaction(async (manager) => {
      const employee = applyEmployeeInput(Object.assign(new Employee(), { organizationId }), input);
      employee.code = input.code ?? (await this.generateCode(manager, organizationId, department, input.joining_date));
      const saved = await manager.getRepository(Employee).save(employee);
      const dto = toEmployeeDto(saved, department, null);
      await this.audit.record(
        { action: 'employee.created', entityType: 'employee', entityId: saved.id, newValues: dto },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateEmployeeDto): Promise<EmployeeDto> {
    const organizationId = caller.organizationId;
    const employee = await this.employees.findInOrganization(caller.organizationId, id);
    const before = toEmployeeDto(employee, await this.departmentOf(employee), null);
    await this.checkReferences(organizationId, input, id);
    if (input.code !== undefined && input.code.toLowerCase() !== employee.code.toLowerCase()) {
      await this.assertCodeFree(organizationId, input.code, id);
    }
    if (input.email && input.email !== employee.email) await this.assertEmailFree(organizationId, input.email, id);
    applyEmployeeInput(employee, input);
    const department = await this.departmentOf(employee);
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Employee).save(employee);
      await this.audit.record(
        { action: 'employee.updated', entityType: 'employee', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return toEmployeeDto(saved, department, this.urls);
    });
  }

  /**
   * Deletes the person; with `erase`, the row too. `employee.deleted` is published inside the transaction, so the
   * features holding the person's data (faces: templates, photos, pending enrollments) erase it in the same commit.
   */
  async remove(caller: AuthUser, id: string, erase: boolean): Promise<void> {
    const employee = await this.employees.findInOrganization(caller.organizationId, id);
    const before = toEmployeeDto(employee, await this.departmentOf(employee), null);
    const organizationId = caller.organizationId;
    await this.dataSource.transaction(async (manager) => {
      // The row lock orders this deletion against enrollments saving templates for the person (they lock the row
      // through `lockPresent` and re-check it), and against a concurrent deletion of the same person.
      if (!(await this.employees.lockInOrganization(manager, organizationId, id))) throw ApiError.notFound('Employee');
      await this.events.publish(manager, 'employee.deleted', { organizationId, employeeId: id, erased: erase });
      // By entity, not by criteria: the list cache learns the row's organisation (ListInvalidation) and drops only
      // its pages. The row was checked to be this organisation's and locked above.
      if (erase) await manager.getRepository(Employee).remove(employee);
      else await manager.getRepository(Employee).softRemove(employee);
      await this.audit.record(
        {
          action: erase ? 'employee.erased' : 'employee.deleted',
          entityType: 'employee',
          entityId: id,
          oldValues: erase ? { id, code: employee.code } : before,
        },
        manager,
      );
    });
  }

  /** 404 unless the person exists (and is not deleted) in the organisation. */
  async assertExists(organizationId: string, id: string): Promise<void> {
    await this.employees.findInOrganization(organizationId, id);
  }

  async exists(organizationId: string, id: string): Promise<boolean> {
    return this.employees.exists(organizationId, id);
  }

  /**
   * Locks the person's row until `manager`'s transaction ends; false when the person is gone or soft-deleted.
   * Work that adds data about a person (face templates) takes it, so a deletion either sees that data or wins.
   */
  async lockPresent(manager: EntityManager, organizationId: string, id: string): Promise<boolean> {
    return (await this.employees.lockInOrganization(manager, organizationId, id)) !== null;
  }

  /** Keeps the person's enrollment summary; called by the faces feature in the transaction that changed it. */
  recordEnrollment(
    manager: EntityManager,
    organizationId: string,
    id: string,
    summary: EnrollmentSummaryDto,
    primaryThumbnailId: string | null,
  ): Promise<void> {
    return this.employees.recordEnrollment(manager, organizationId, id, summary, primaryThumbnailId);
  }

  /** Ids of the organisation's people in a department and/or of a kind. */
  idsMatching(organizationId: string, filter: { departmentId?: string; kind?: string }): Promise<string[]> {
    return this.employees.idsMatching(organizationId, filter);
  }

  /** The id of the person linked to `userId` in the organisation, or null. */
  async idOfUser(organizationId: string, userId: string): Promise<string | null> {
    return (await this.employees.findByUser(organizationId, userId))?.id ?? null;
  }

  /** The department of the person linked to `userId` in the organisation (null: no person, or no department). */
  async departmentOfUser(organizationId: string, userId: string): Promise<string | null> {
    return (await this.employees.findByUser(organizationId, userId))?.departmentId ?? null;
  }

  /** How many active people of a kind each of the departments has (departments without any are left out). */
  countByDepartment(organizationId: string, departmentIds: string[], kind: string): Promise<Map<string, number>> {
    return this.employees.countByDepartment(organizationId, departmentIds, kind);
  }

  /**
   * What attendance needs of the organisation's active people: shift, department and linked user; all of them, or
   * those among `ids`, or of one department.
   */
  async roster(
    organizationId: string,
    filter: { ids?: string[]; departmentId?: string } = {},
    manager?: EntityManager,
  ): Promise<RosterEntry[]> {
    const rows = await this.employees.findRoster(organizationId, filter, manager);
    return rows.map((row) => ({
      id: row.id,
      code: row.code,
      fullName: [row.firstName, row.lastName].filter(Boolean).join(' '),
      kind: row.kind,
      shiftId: row.shiftId,
      departmentId: row.departmentId,
      userId: row.userId,
      createdAt: row.createdAt,
    }));
  }

  /**
   * Code and full name of the organisation's people among `ids`, by id: inactive and soft-deleted people too, since
   * reports over past days name whoever the records belong to.
   */
  async namesOf(organizationId: string, ids: string[]): Promise<Map<string, { code: string; fullName: string }>> {
    const rows = await this.employees.findNames(organizationId, [...new Set(ids)]);
    return new Map(
      rows.map((row) => [
        row.id,
        { code: row.code, fullName: [row.firstName, row.lastName].filter(Boolean).join(' ') },
      ]),
    );
  }

  /** Who the active people among `ids` are (for answers that name recognised people), by id. */
  async identities(organizationId: string, ids: string[]): Promise<Map<string, PersonIdentityDto>> {
    const rows = await this.employees.findActive(organizationId, ids);
    const departments = await this.departments.summaries(
      organizationId,
      rows.flatMap((row) => (row.departmentId ? [row.departmentId] : [])),
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          code: row.code,
          full_name: [row.firstName, row.lastName].filter(Boolean).join(' '),
          kind: row.kind,
          department: row.departmentId ? (departments.get(row.departmentId) ?? null) : null,
        },
      ]),
    );
  }

  /** Names the department facets, by department name (people without a department last). */
  private async namedFacets(organizationId: string, counts: FacetCounts): Promise<EmployeeFacetsDto> {
    const ids = counts.by_department.flatMap((row) => (row.department_id ? [row.department_id] : []));
    const departments = await this.departments.summaries(organizationId, ids);
    const byDepartment = counts.by_department.map((row) => {
      const department = row.department_id ? departments.get(row.department_id) : undefined;
      return {
        department_id: row.department_id,
        code: department?.code ?? null,
        name: department?.name ?? null,
        count: row.count,
      };
    });
    byDepartment.sort(
      (a, b) =>
        (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) ||
        (a.name ?? '').localeCompare(b.name ?? '') ||
        (a.department_id ?? '').localeCompare(b.department_id ?? ''),
    );
    return { ...counts, by_department: byDepartment };
  }

  /** The shift schedules of the active people among `ids` who have a shift, by person id. */
  async shiftsOf(organizationId: string, ids: string[], manager?: EntityManager): Promise<Map<string, ShiftSchedule>> {
    const rows = (await this.employees.findActive(organizationId, ids, manager)).filter((row) => row.shiftId !== null);
    const schedules = await this.shifts.schedulesOf(
      organizationId,
      rows.map((row) => row.shiftId!),
      manager,
    );
    return new Map(
      rows.flatMap((row) => {
        const schedule = schedules.get(row.shiftId!);
        return schedule ? [[row.id, schedule] as const] : [];
      }),
    );
  }

  private async toDetail(employee: Employee): Promise<EmployeeDetailDto> {
    const enrollment = { templates: employee.faceTemplates, angles: employee.faceAngles };
    return { ...toEmployeeDto(employee, await this.departmentOf(employee), this.urls), enrollment };
  }

  private async departmentOf(employee: Employee): Promise<DepartmentSummaryDto | null> {
    if (!employee.departmentId) return null;
    return this.departments.summaryOf(employee.organizationId, employee.departmentId);
  }

  /**
   * `{DEPT}-{YEAR}-{SEQ}` from the prefix's counter, skipping numbers a manual code already holds. Runs in the
   * create transaction: the counter row stays locked until it commits, and rolls back with it.
   */
  private async generateCode(
    manager: EntityManager,
    organizationId: string,
    department: DepartmentSummary | null,
    joiningDate: string | null | undefined,
  ): Promise<string> {
    const prefix = employeeCodePrefix(department?.code ?? null, employeeCodeYear(joiningDate));
    for (;;) {
      const code = formatEmployeeCode(prefix, await this.employees.nextCodeSequence(manager, organizationId, prefix));
      if (!(await this.employees.isCodeTaken(organizationId, code, undefined, manager))) return code;
    }
  }

  /** Checks that the department, shift and user the body names belong to the organisation; returns the department. */
  private async checkReferences(
    organizationId: string,
    input: UpdateEmployeeDto,
    employeeId?: string,
  ): Promise<DepartmentSummary | null> {
    const department = input.department_id
      ? await this.departments.summaryOf(organizationId, input.department_id)
      : null;
    if (input.department_id && !department) throw invalidReference('department_id', 'a department');
    if (input.shift_id && !(await this.shifts.existsInOrganization(organizationId, input.shift_id))) {
      throw invalidReference('shift_id', 'a shift');
    }
    if (input.user_id) {
      if (!(await this.users.existsInOrganization(organizationId, input.user_id))) {
        throw invalidReference('user_id', 'a user');
      }
      if (await this.employees.isUserLinked(input.user_id, employeeId)) {
        throw ApiError.conflict('Another person is already linked to this user', [
          { field: 'user_id', errors: ['user_id is linked to another person'] },
        ]);
      }
    }
    return department;
  }

  private async assertCodeFree(organizationId: string, code: string, exceptId?: string): Promise<void> {
    if (await this.employees.isCodeTaken(organizationId, code, exceptId)) {
      throw ApiError.conflict('A person with this code already exists', [{ field: 'code', errors: ['code is taken'] }]);
    }
  }

  private async assertEmailFree(organizationId: string, email: string, exceptId?: string): Promise<void> {
    if (await this.employees.isEmailTaken(organizationId, email, exceptId)) {
      throw ApiError.conflict('A person with this email already exists', [
        { field: 'email', errors: ['email is taken'] },
      ]);
    }
  }
}

function invalidReference(field: string, what: string): ApiError {
  return ApiError.badRequest(
    'validation_error',
    `The ${field.replace(/_id$/, '')} is not ${what} of this organisation`,
    [{ field, errors: [`${field} must be ${what} of the organisation`] }],
  );
}
