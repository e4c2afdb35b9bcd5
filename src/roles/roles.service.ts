import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { BUILT_IN_ROLES, BUILT_IN_ROLE_NAMES, isBuiltInRole } from '../access/built-in-roles.js';
import { isPermission, type Permission } from '../access/permissions.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';
import type { CreateRoleDto, RoleDto, RoleQuery, UpdateRoleDto } from './role.dto.js';
import { parseOrdering } from '../common/ordering.js';
import { Role } from './role.entity.js';
import { findInOrganization } from '../common/find-in-organization.js';

/** Built-in roles (from code) and the custom roles of each organisation. */
@Injectable()
export class RolesService {
  constructor(
    @InjectRepository(Role) private readonly roles: Repository<Role>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: AccessInvalidation,
    private readonly events: DomainEventBus,
  ) {}

  /** The permissions of a role name in an organisation; empty when the role does not exist (any more). */
  async permissionsOf(organizationId: string, roleName: string, manager?: EntityManager): Promise<Set<Permission>> {
    if (isBuiltInRole(roleName)) return new Set(BUILT_IN_ROLES[roleName].permissions);
    const role = await this.findCustom(organizationId, roleName, manager);
    return new Set((role?.permissions ?? []).filter(isPermission));
  }

  /**
   * Refuses to let a caller hand out a role that can do more than the caller can (no privilege escalation).
   * Throws 400 for an unknown role.
   */
  async assertAssignable(caller: AuthUser, organizationId: string, roleName: string): Promise<void> {
    if (!isBuiltInRole(roleName) && !(await this.findCustom(organizationId, roleName))) {
      throw ApiError.badRequest('validation_error', `Unknown role "${roleName}"`, [
        { field: 'role', errors: [`role must be a built-in role or a custom role of the organisation`] },
      ]);
    }
    const granted = await this.permissionsOf(organizationId, roleName);
    const beyondCaller = [...granted].filter((permission) => !caller.permissions.has(permission));
    if (beyondCaller.length > 0 || (roleName === 'super_admin' && !caller.isSuperAdmin)) {
      throw ApiError.forbidden(`You cannot assign the role "${roleName}": it has permissions you do not have`);
    }
  }

  /** Built-in roles first, then the organisation's custom roles by name. */
  async list(caller: AuthUser, query: RoleQuery): Promise<PageOf<RoleDto>> {
    const custom = await this.roles.find({ where: { organizationId: caller.organizationId }, order: { name: 'ASC' } });
    const builtIn = BUILT_IN_ROLE_NAMES.map((name) => ({
      id: null,
      name,
      description: BUILT_IN_ROLES[name].description,
      built_in: true,
      permissions: [...BUILT_IN_ROLES[name].permissions],
      created_at: null,
      updated_at: null,
    }));
    const all = [...builtIn, ...custom.map(toRoleDto)];
    if (query.ordering) {
      const { direction } = parseOrdering(query.ordering);
      all.sort((a, b) => (direction === 'ASC' ? 1 : -1) * a.name.localeCompare(b.name));
    }
    const { skip, take } = PageOf.skipTake(query);
    return new PageOf(all.slice(skip, skip + take), all.length, query);
  }

  async get(caller: AuthUser, id: string): Promise<RoleDto> {
    return toRoleDto(await findInOrganization(this.roles, caller.organizationId, id, 'Role'));
  }

  async create(caller: AuthUser, input: CreateRoleDto): Promise<RoleDto> {
    if (isBuiltInRole(input.name)) throw ApiError.conflict(`"${input.name}" is a built-in role`);
    if (await this.findCustom(caller.organizationId, input.name)) {
      throw ApiError.conflict(`A role named "${input.name}" already exists`);
    }
    this.assertWithinCaller(caller, input.permissions);
    return this.dataSource.transaction(async (manager) => {
      const role = await manager.getRepository(Role).save({
        organizationId: caller.organizationId,
        name: input.name,
        description: input.description ?? null,
        permissions: input.permissions,
      });
      await this.audit.record(
        { action: 'role.created', entityType: 'role', entityId: role.id, newValues: input },
        manager,
      );
      return toRoleDto(role);
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateRoleDto): Promise<RoleDto> {
    const role = await findInOrganization(this.roles, caller.organizationId, id, 'Role');
    if (input.permissions) this.assertWithinCaller(caller, input.permissions);
    const before = toRoleDto(role);
    if (input.description !== undefined) role.description = input.description;
    if (input.permissions !== undefined) role.permissions = input.permissions;
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Role).save(role);
      await this.invalidation.announce(manager, { organizationId: role.organizationId });
      await this.audit.record(
        { action: 'role.updated', entityType: 'role', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return toRoleDto(saved);
    });
  }

  async remove(caller: AuthUser, id: string): Promise<void> {
    const role = await findInOrganization(this.roles, caller.organizationId, id, 'Role');
    await this.dataSource.transaction(async (manager) => {
      // The users feature refuses (409) while users hold the role; it knows its holders, roles does not.
      await this.events.publish(manager, 'role.deleting', {
        organizationId: caller.organizationId,
        roleName: role.name,
      });
      await manager.getRepository(Role).delete({ id });
      await this.invalidation.announce(manager, { organizationId: role.organizationId });
      await this.audit.record(
        { action: 'role.deleted', entityType: 'role', entityId: id, oldValues: toRoleDto(role) },
        manager,
      );
    });
  }

  private findCustom(organizationId: string, name: string, manager?: EntityManager): Promise<Role | null> {
    const repository = manager ? manager.getRepository(Role) : this.roles;
    return repository
      .createQueryBuilder('role')
      .where('role.organization_id = :organizationId AND lower(role.name) = lower(:name)', { organizationId, name })
      .getOne();
  }

  private assertWithinCaller(caller: AuthUser, permissions: Permission[]): void {
    const beyond = permissions.filter((permission) => !caller.permissions.has(permission));
    if (beyond.length > 0) {
      throw ApiError.forbidden(`You cannot grant permissions you do not have: ${beyond.join(', ')}`);
    }
  }
}

function toRoleDto(role: Role): RoleDto {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    built_in: false,
    permissions: role.permissions,
    created_at: role.createdAt,
    updated_at: role.updatedAt,
  };
}
