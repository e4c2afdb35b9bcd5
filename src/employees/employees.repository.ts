import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  DataSource,
  type EntityManager,
  type FindOptionsWhere,
  In,
  Repository,
  type SelectQueryBuilder,
} from 'typeorm';
import { escapeLike } from '../common/escape-like.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { findPageRows } from '../common/page-and-count.js';
import type { EmployeeOrdering, EmployeeQuery } from './employee.dto.js';
import type { EmployeeFacetsDto } from './employee-response.dto.js';
import { Employee } from './employee.entity.js';
import { Department } from '../departments/department.entity.js';
import type { DepartmentSummary } from '../departments/department.dto.js';

type Filters = Pick<EmployeeQuery, 'department_id' | 'department' | 'kind' | 'is_active' | 'search'>;

/** A person of a list page and their department's `{id, code, name}` (null without one). */
export interface PersonWithDepartment {
  person: Employee;
  department: DepartmentSummary | null;
}

export type FacetCounts = Omit<EmployeeFacetsDto, 'by_department'> & {
  by_department: { department_id: string | null; count: number }[];
};

/** SQL of the people module. Every method is scoped to one organisation; soft-deleted people are never returned. */
@Injectable()
export class EmployeesRepository {
  constructor(
    @InjectRepository(Employee) private readonly employees: Repository<Employee>,
    private readonly dataSource: DataSource,
  ) {}

  /** The person `id` of the organisation; 404 otherwise (also when soft-deleted). */
  findInOrganization(organizationId: string, id: string): Promise<Employee> {
    return findInOrganization(this.employees, organizationId, id, 'Employee');
  }

  exists(organizationId: string, id: string): Promise<boolean> {
    return this.employees.existsBy({ id, organizationId });
  }

  /** Locks the person's row FOR UPDATE until the caller's transaction ends; null when it is gone (or soft-deleted). */
  lockInOrganization(manager: EntityManager, organizationId: string, id: string): Promise<Employee | null> {
    return manager.getRepository(Employee).findOne({
      select: { id: true },
      where: { id, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findByUser(organizationId: string, userId: string): Promise<Employee | null> {
    return this.employees.findOneBy({ userId, organizationId });
  }

  /**
   * One page of the people matching the filters, in the asked order, with each one's department (joined in the same
   * query: the list's only round trip), and how many match in all.
   */
  async findPage(organizationId: string, query: EmployeeQuery): Promise<[PersonWithDepartment[], number]> {
    const builder = this.filtered(organizationId, query)
      .leftJoin(
        Department,
        'department',
        'department.id = employee.department_id AND department.organization_id = employee.organization_id',
      )
      .addSelect('department.code', 'department_code')
      .addSelect('department.name', 'department_name');
    this.order(builder, query.ordering);
    const { entities: people, raw, count } = await findPageRows(builder, query);
    return [
      people.map((person, i) => {
        const { department_code: code, department_name: name } = raw[i] as {
          department_code: string | null;
          department_name: string | null;
        };
        const department =
          person.departmentId && code !== null && name !== null ? { id: person.departmentId, code, name } : null;
        return { person, department };
      }),
      count,
    ];
  }

  /**
   * The list's facets, counted over every person matching the filters (not only one page); `by_department` holds
   * ids and counts only (the service names them).
   */
  async facets(organizationId: string, filters: Filters): Promise<FacetCounts> {
    const totals = await this.filtered(organizationId, filters)
      .select('count(*)::int', 'total')
      .addSelect('(count(*) FILTER (WHERE employee.is_active))::int', 'active')
      .addSelect('(count(*) FILTER (WHERE employee.face_templates > 0))::int', 'enrolled')
      .getRawOne<{ total: number; active: number; enrolled: number }>();
    const byDepartment = await this.filtered(organizationId, filters)
      .select('employee.department_id', 'department_id')
      .addSelect('count(*)::int', 'count')
      .groupBy('employee.department_id')
      .getRawMany<{ department_id: string | null; count: number }>();
    const total = Number(totals?.total ?? 0);
    const active = Number(totals?.active ?? 0);
    const enrolled = Number(totals?.enrolled ?? 0);
    return {
      total,
      active,
      inactive: total - active,
      by_department: byDepartment.map((row) => ({ department_id: row.department_id, count: Number(row.count) })),
      enrolled,
      not_enrolled: total - enrolled,
    };
  }

  /** Stores the person's enrollment summary; the faces feature calls it in the transaction that changed it. */
  async recordEnrollment(
    manager: EntityManager,
    organizationId: string,
    id: string,
    summary: { templates: number; angles: string[] },
    primaryThumbnailId: string | null,
  ): Promise<void> {
    // The organisation is set too (to the value it has): an update statement tells subscribers only the values it
    // sets, and the list cache drops this organisation's pages rather than every organisation's (ListInvalidation).
    await manager
      .getRepository(Employee)
      .update(
        { id, organizationId },
        { faceTemplates: summary.templates, faceAngles: summary.angles, primaryThumbnailId, organizationId },
      );
  }

  /** Ids of the organisation's people in a department and/or of a kind. */
  async idsMatching(organizationId: string, filter: { departmentId?: string; kind?: string }): Promise<string[]> {
    const where: FindOptionsWhere<Employee> = { organizationId };
    if (filter.departmentId) where.departmentId = filter.departmentId;
    if (filter.kind) where.kind = filter.kind as Employee['kind'];
    const rows = await this.employees.find({ select: { id: true }, where });
    return rows.map((row) => row.id);
  }

  /** Active people of a kind per department, among `departmentIds`, counted in SQL. */
  async countByDepartment(organizationId: string, departmentIds: string[], kind: string): Promise<Map<string, number>> {
    if (departmentIds.length === 0) return new Map();
    const rows = await this.employees
      .createQueryBuilder('employee')
      .select('employee.department_id', 'department_id')
      .addSelect('count(*)::int', 'count')
      .where('employee.organization_id = :organizationId', { organizationId })
      .andWhere('employee.department_id IN (:...departmentIds)', { departmentIds: [...new Set(departmentIds)] })
      .andWhere('employee.kind = :kind', { kind })
      .andWhere('employee.is_active')
      .groupBy('employee.department_id')
      .getRawMany<{ department_id: string; count: number }>();
    return new Map(rows.map((row) => [row.department_id, Number(row.count)]));
  }

  /** The active people of the organisation, optionally among `ids` or of one department. */
  findRoster(
    organizationId: string,
    filter: { ids?: string[]; departmentId?: string },
    manager?: EntityManager,
  ): Promise<Employee[]> {
    if (filter.ids?.length === 0) return Promise.resolve([]);
    const where: FindOptionsWhere<Employee> = { organizationId, isActive: true };
    if (filter.ids) where.id = In(filter.ids);
    if (filter.departmentId) where.departmentId = filter.departmentId;
    return (manager ? manager.getRepository(Employee) : this.employees).find({
      select: {
        id: true,
        code: true,
        firstName: true,
        lastName: true,
        kind: true,
        shiftId: true,
        departmentId: true,
        userId: true,
        createdAt: true,
      },
      where,
      order: { id: 'ASC' },
    });
  }

  /** The active people of the organisation among `ids`. */
  /** Code and names of the organisation's people among `ids`, inactive and soft-deleted ones included. */
  findNames(
    organizationId: string,
    ids: string[],
  ): Promise<Pick<Employee, 'id' | 'code' | 'firstName' | 'lastName'>[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.employees
      .createQueryBuilder('employee')
      .withDeleted()
      .select(['employee.id', 'employee.code', 'employee.firstName', 'employee.lastName'])
      .where('employee.organization_id = :organizationId', { organizationId })
      .andWhere('employee.id = ANY(CAST(:ids AS uuid[]))', { ids })
      .getMany();
  }

  findActive(organizationId: string, ids: string[], manager?: EntityManager): Promise<Employee[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const repository = manager ? manager.getRepository(Employee) : this.employees;
    return repository.findBy({ organizationId, id: In(ids), isActive: true });
  }

  async isCodeTaken(
    organizationId: string,
    code: string,
    exceptId?: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    return this.isTaken('lower(employee.code) = lower(:code)', { code }, organizationId, exceptId, manager);
  }

  async isEmailTaken(organizationId: string, email: string, exceptId?: string): Promise<boolean> {
    return this.isTaken('lower(employee.email) = lower(:email)', { email }, organizationId, exceptId);
  }

  /** Whether another person (in any organisation) is already linked to the user account. */
  async isUserLinked(userId: string, exceptId?: string): Promise<boolean> {
    const builder = this.employees.createQueryBuilder('employee').where('employee.user_id = :userId', { userId });
    if (exceptId) builder.andWhere('employee.id <> :exceptId', { exceptId });
    return builder.getExists();
  }

  /**
   * The next number of a code prefix (`ENG-2026`) in the organisation, counted in `code_sequences`. The upsert
   * locks the counter row until the caller's transaction ends, so concurrent creates get distinct numbers.
   */
  async nextCodeSequence(manager: EntityManager, organizationId: string, prefix: string): Promise<number> {
    const rows = await manager.query<{ last_value: number }[]>(
      `INSERT INTO code_sequences (organization_id, prefix, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (organization_id, prefix) DO UPDATE SET last_value = code_sequences.last_value + 1
       RETURNING last_value`,
      [organizationId, prefix],
    );
    return Number(rows[0]?.last_value);
  }

  private async isTaken(
    condition: string,
    parameters: Record<string, string>,
    organizationId: string,
    exceptId?: string,
    manager?: EntityManager,
  ): Promise<boolean> {
    const repository = manager ? manager.getRepository(Employee) : this.employees;
    const builder = repository
      .createQueryBuilder('employee')
      .where('employee.organization_id = :organizationId', { organizationId })
      .andWhere(condition, parameters);
    if (exceptId) builder.andWhere('employee.id <> :exceptId', { exceptId });
    return builder.getExists();
  }

  /** The people of the organisation matching the list filters (TypeORM adds `deleted_at IS NULL`). */
  private filtered(organizationId: string, filters: Filters): SelectQueryBuilder<Employee> {
    const builder = this.employees
      .createQueryBuilder('employee')
      .where('employee.organization_id = :organizationId', { organizationId });
    const department = filters.department_id ?? filters.department;
    if (department) builder.andWhere('employee.department_id = :department', { department });
    if (filters.kind) builder.andWhere('employee.kind = :kind', { kind: filters.kind });
    if (filters.is_active !== undefined)
      builder.andWhere('employee.is_active = :active', { active: filters.is_active });
    if (filters.search) {
      builder.andWhere(
        `(employee.first_name ILIKE :pattern OR employee.last_name ILIKE :pattern
          OR (employee.first_name || ' ' || employee.last_name) ILIKE :pattern
          OR employee.code ILIKE :pattern OR employee.email ILIKE :pattern)`,
        { pattern: `%${escapeLike(filters.search)}%` },
      );
    }
    return builder;
  }

  private order(builder: SelectQueryBuilder<Employee>, ordering: EmployeeOrdering): void {
    const direction = ordering.startsWith('-') ? 'DESC' : 'ASC';
    const field = ordering.replace(/^-/, '');
    if (field === 'name') {
      builder.orderBy('lower(employee.first_name)', direction).addOrderBy('lower(employee.last_name)', direction);
    } else if (field === 'code') {
      builder.orderBy('lower(employee.code)', direction);
    } else {
      builder.orderBy('employee.created_at', direction);
    }
    builder.addOrderBy('employee.id', direction);
  }
}
