import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike } from '../common/escape-like.js';
import { PageOf } from '../common/pagination.js';
import {
  type CreateDepartmentDto,
  type DepartmentDto,
  type DepartmentQuery,
  toDepartmentDto,
  type UpdateDepartmentDto,
} from './department.dto.js';
import { Department } from './department.entity.js';

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectRepository(Department) private readonly departments: Repository<Department>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthUser, query: DepartmentQuery): Promise<PageOf<DepartmentDto>> {
    const builder = this.departments
      .createQueryBuilder('department')
      .where('department.organization_id = :organizationId', { organizationId: caller.organizationId })
      .orderBy('department.name', 'ASC')
      .addOrderBy('department.id');
    if (query.search) {
      builder.andWhere('(department.name ILIKE :pattern OR department.code ILIKE :pattern)', {
        pattern: `%${escapeLike(query.search)}%`,
      });
    }
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(rows.map(toDepartmentDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<DepartmentDto> {
    return toDepartmentDto(await this.findOwned(caller, id));
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
    const department = await this.findOwned(caller, id);
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
    const department = await this.findOwned(caller, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Department).delete({ id, organizationId: caller.organizationId });
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

  private async findOwned(caller: AuthUser, id: string): Promise<Department> {
    const department = await this.departments.findOneBy({ id, organizationId: caller.organizationId });
    if (!department) throw ApiError.notFound('Department');
    return department;
  }

  private async assertCodeFree(organizationId: string, code: string): Promise<void> {
    if (await this.departments.existsBy({ organizationId, code })) {
      throw ApiError.conflict('A department with this code already exists', [
        { field: 'code', errors: ['code is taken'] },
      ]);
    }
  }

  private async assertManagerInOrganization(organizationId: string, userId: string): Promise<void> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM users WHERE id = $1 AND organization_id = $2', [
      userId,
      organizationId,
    ]);
    if (rows.length === 0) {
      throw ApiError.badRequest('validation_error', 'The manager is not a user of this organisation', [
        { field: 'manager_id', errors: ['manager_id must be a user of the organisation'] },
      ]);
    }
  }
}
