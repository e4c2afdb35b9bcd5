import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike } from '../common/escape-like.js';
import { findPageAndCount } from '../common/page-and-count.js';
import { PageOf } from '../common/pagination.js';
import {
  type CreateDepartmentDto,
  type DepartmentDto,
  type DepartmentSummary,
  type DepartmentQuery,
  toDepartmentDto,
  type UpdateDepartmentDto,
} from './department.dto.js';
import { UsersService } from '../users/users.service.js';
import { Department } from './department.entity.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { orderQuery } from '../common/ordering.js';
import { ListCache, listKey } from '../lists/list-cache.js';
import { ListInvalidation } from '../lists/list-invalidation.js';

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly users: UsersService,
    private readonly lists: ListCache,
    invalidation: ListInvalidation,
  ) {
    invalidation.watch(Department);
  }

  /** `{id, code, name}` of the organisation's departments among `ids`, by id (for features that show them). */
  async summaries(organizationId: string, ids: string[]): Promise<Map<string, DepartmentSummary>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.departments.find({
      select: { id: true, code: true, name: true },
      where: { id: In(unique), organizationId },
    });
    return new Map(rows.map((row) => [row.id, { id: row.id, code: row.code, name: row.name }]));
  }

  /** `{id, code, name}` of the department `id` if it belongs to the organisation, else null. */
  async summaryOf(organizationId: string, id: string): Promise<DepartmentSummary | null> {
    return (await this.summaries(organizationId, [id])).get(id) ?? null;
  }

  /** Ids of the organisation's departments whose manager is the user `userId`. */
  async idsManagedBy(organizationId: string, userId: string): Promise<string[]> {
    const rows = await this.departments.find({ select: { id: true }, where: { organizationId, managerId: userId } });
    return rows.map((row) => row.id);
  }

  async list(caller: AuthUser, query: DepartmentQuery): Promise<PageOf<DepartmentDto>> {
    const organizationId = caller.organizationId;
    const [rows, count] = await this.lists.get(
      organizationId,
      listKey('departments', query),
      () => this.findPage(organizationId, query),
      ([page]) => page.length,
    );
    return new PageOf(rows.map(toDepartmentDto), count, query);
  }

  private findPage(organizationId: string, query: DepartmentQuery): Promise<[Department[], number]> {
    const builder = this.departments
      .createQueryBuilder('department')
      .where('department.organization_id = :organizationId', { organizationId });
    orderQuery(
      builder,
      query.ordering,
      { name: 'department.name', code: 'department.code', created_at: 'department.created_at' },
      'department.id',
    );
    if (query.search) {
      builder.andWhere('(department.name ILIKE :pattern OR department.code ILIKE :pattern)', {
        pattern: `%${escapeLike(query.search)}%`,
      });
    }
    return findPageAndCount(builder, query);
  }

  async get(caller: AuthUser, id: string): Promise<DepartmentDto> {
    return toDepartmentDto(await findInOrganization(this.departments, caller.organizationId, id, 'Department'));
  }

  async create(caller: AuthUser, input: CreateDepartmentDto): Promise<DepartmentDto> {
    await this.assertCodeFree(caller.organizationId, input.code);
    if (input.manager_id) await this.assertManagerInOrganization(caller.organizationId, input.manager_id);
    return this.dataSource.transaction(async (manager) => {
      const department = await manager.getRepository(Department).save({
        organizationId: caller.organizationId,
        name: input.name,
        code: input.code,
        description: input.description ?? null,
        managerId: input.manager_id ?? null,
      });
      const dto = toDepartmentDto(department);
      await this.audit.record(
        { action: 'department.created', entityType: 'department', entityId: department.id, newValues: dto },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateDepartmentDto): Promise<DepartmentDto> {
    const department = await findInOrganization(this.departments, caller.organizationId, id, 'Department');
    const before = toDepartmentDto(department);
    if (input.code !== undefined && input.code !== department.code) {
      await this.assertCodeFree(caller.organizationId, input.code);
      department.code = input.code;
    }
    if (input.manager_id) await this.assertManagerInOrganization(caller.organizationId, input.manager_id);
    if (input.manager_id !== undefined) department.managerId = input.manager_id;
    if (input.name !== undefined) department.name = input.name;
    if (input.description !== undefined) department.description = input.description;
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Department).save(department);
      await this.audit.record(
        { action: 'department.updated', entityType: 'department', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return toDepartmentDto(saved);
    });
  }

  async remove(caller: AuthUser, id: string): Promise<void> {
    const department = await findInOrganization(this.departments, caller.organizationId, id, 'Department');
    await this.dataSource.transaction(async (manager) => {
      // The people feature refuses (409) while people belong to it; it knows them, departments does not.
      await this.events.publish(manager, 'department.deleting', {
        organizationId: caller.organizationId,
        departmentId: id,
      });
      // By entity, not by criteria, so that the list cache drops only this organisation's pages (ListInvalidation).
      await manager.getRepository(Department).remove(department);
      await this.audit.record(
        {
          action: 'department.deleted',
          entityType: 'department',
          entityId: id,
          oldValues: toDepartmentDto(department),
        },
        manager,
      );
    });
  }

  private async assertCodeFree(organizationId: string, code: string): Promise<void> {
    if (await this.departments.existsBy({ organizationId, code })) {
      throw ApiError.conflict('A department with this code already exists', [
        { field: 'code', errors: ['code is taken'] },
      ]);
    }
  }

  private async assertManagerInOrganization(organizationId: string, userId: string): Promise<void> {
    if (!(await this.users.existsInOrganization(organizationId, userId))) {
      throw ApiError.badRequest('validation_error', 'The manager is not a user of this organisation', [
        { field: 'manager_id', errors: ['manager_id must be a user of the organisation'] },
      ]);
    }
  }
}
