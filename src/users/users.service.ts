import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike } from '../common/escape-like.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { PageOf } from '../common/pagination.js';
import { RolesService } from '../roles/roles.service.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';
import { PasswordHasher } from './password-hasher.js';
import { assertPasswordFits } from './password-policy.js';
import { type CreateUserDto, toUserDto, type UpdateUserDto, type UserDto, type UserQuery } from './user.dto.js';
import { User } from './user.entity.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { orderQuery } from '../common/ordering.js';

/** User accounts of an organisation. Every query is scoped to the caller's organisation. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
    private readonly roles: RolesService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly invalidation: AccessInvalidation,
    private readonly events: DomainEventBus,
    private readonly organizations: OrganizationsService,
  ) {}

  async list(caller: AuthUser, query: UserQuery): Promise<PageOf<UserDto>> {
    const builder = this.users
      .createQueryBuilder('user')
      .where('user.organization_id = :organizationId', { organizationId: caller.organizationId });
    orderQuery(
      builder,
      query.ordering,
      {
        username: 'user.username',
        full_name: 'user.full_name',
        created_at: 'user.created_at',
        last_login_at: 'user.last_login_at',
      },
      'user.id',
    );
    if (query.role) builder.andWhere('user.role = :role', { role: query.role });
    if (query.is_active !== undefined) builder.andWhere('user.is_active = :active', { active: query.is_active });
    if (query.search) {
      builder.andWhere('(user.username ILIKE :pattern OR user.email ILIKE :pattern OR user.full_name ILIKE :pattern)', {
        pattern: `%${escapeLike(query.search)}%`,
      });
    }
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(rows.map(toUserDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<UserDto> {
    return toUserDto(await findInOrganization(this.users, caller.organizationId, id, 'User'));
  }

  async create(caller: AuthUser, input: CreateUserDto): Promise<UserDto> {
    const organizationId = input.organization_id ?? caller.organizationId;
    if (organizationId !== caller.organizationId && !caller.isSuperAdmin) {
      throw ApiError.forbidden('Only a super admin may create users in another organisation');
    }
    await this.assertOrganizationExists(organizationId);
    await this.roles.assertAssignable(caller, organizationId, input.role);
    await this.assertUnique(input.username, input.email);
    const passwordHash = await this.hasher.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.getRepository(User).save({
        organizationId,
        username: input.username,
        email: input.email.toLowerCase(),
        passwordHash,
        fullName: input.full_name,
        role: input.role,
      });
      const dto = toUserDto(user);
      await this.audit.record(
        { action: 'user.created', entityType: 'user', entityId: user.id, newValues: dto, organizationId },
        manager,
      );
      return dto;
    });
  }

  /**
   * Changes a user. Another user may be changed only by a caller who can do everything the target can (and a
   * super admin only by a super admin); the last active super admin keeps their role and active flag.
   */
  async update(caller: AuthUser, id: string, input: UpdateUserDto): Promise<UserDto> {
    const user = await findInOrganization(this.users, caller.organizationId, id, 'User');
    await this.assertMayManage(caller, user);
    const before = toUserDto(user);
    const tokenVersion = user.tokenVersion;
    const losesSuperAdmin =
      user.role === 'super_admin' &&
      user.isActive &&
      ((input.role !== undefined && input.role !== user.role) || input.is_active === false);
    if (input.role !== undefined && input.role !== user.role) {
      await this.roles.assertAssignable(caller, user.organizationId, input.role);
      this.assertNotSelf(caller, user, 'change your own role');
      user.role = input.role;
      user.tokenVersion += 1;
    }
    if (input.email !== undefined && input.email.toLowerCase() !== user.email) {
      await this.assertUnique(undefined, input.email, user.id);
      user.email = input.email.toLowerCase();
    }
    if (input.full_name !== undefined) user.fullName = input.full_name;
    if (input.is_active !== undefined && input.is_active !== user.isActive) {
      if (!input.is_active) this.assertNotSelf(caller, user, 'deactivate your own account');
      user.isActive = input.is_active;
      user.tokenVersion += 1;
    }
    if (input.password !== undefined) {
      this.assertNotSelf(caller, user, 'set your own password here; use POST /auth/change-password');
      assertPasswordFits(input.password, { username: user.username, email: user.email });
      user.passwordHash = await this.hasher.hash(input.password);
      user.tokenVersion += 1;
    }
    return this.dataSource.transaction(async (manager) => {
      if (losesSuperAdmin) await this.assertNotLastSuperAdmin(manager);
      const saved = await manager.getRepository(User).save(user);
      if (saved.tokenVersion !== tokenVersion) {
        // Role, activation or password changed: every session of the user ends now (auth ends logins and reset
        // tokens in this transaction; live sockets close after the commit).
        await this.events.publish(manager, 'user.access_revoked', {
          organizationId: user.organizationId,
          userId: user.id,
        });
      }
      await this.invalidation.announce(manager, { userId: user.id });
      const after = toUserDto(saved);
      await this.audit.record(
        { action: 'user.updated', entityType: 'user', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return after;
    });
  }

  /** Deactivates the account (users are never hard-deleted: the audit trail refers to them). */
  async deactivate(caller: AuthUser, id: string): Promise<void> {
    await this.update(caller, id, { is_active: false });
  }

  /** Whether the user exists in the organisation (for features that link records to accounts). */
  existsInOrganization(organizationId: string, id: string): Promise<boolean> {
    return this.users.existsBy({ id, organizationId });
  }

  private async assertUnique(username: string | undefined, email: string, exceptId?: string): Promise<void> {
    const builder = this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email });
    if (username) builder.orWhere('lower(user.username) = lower(:username)', { username });
    const clash = await builder.getOne();
    if (clash && clash.id !== exceptId) {
      const field = username && clash.username.toLowerCase() === username.toLowerCase() ? 'username' : 'email';
      throw ApiError.conflict(`A user with this ${field} already exists`, [{ field, errors: [`${field} is taken`] }]);
    }
  }

  private async assertOrganizationExists(organizationId: string): Promise<void> {
    if ((await this.organizations.activeState(organizationId)) === null) throw ApiError.notFound('Organization');
  }

  /** The caller may change another user only if the target's permissions are a subset of the caller's. */
  private async assertMayManage(caller: AuthUser, target: User): Promise<void> {
    if (caller.id === target.id) return;
    if (target.role === 'super_admin' && !caller.isSuperAdmin) {
      throw ApiError.forbidden('Only a super admin may change a super admin');
    }
    const held = await this.roles.permissionsOf(target.organizationId, target.role);
    const beyond = [...held].filter((permission) => !caller.permissions.has(permission));
    if (beyond.length > 0) {
      throw ApiError.forbidden(
        `You cannot change this user: their role has permissions you lack (${beyond.join(', ')})`,
      );
    }
  }

  /** Locks the active super admins, so two requests cannot each remove one of the last two. */
  private async assertNotLastSuperAdmin(manager: EntityManager): Promise<void> {
    const active = await manager.query<{ id: string }[]>(
      "SELECT id FROM users WHERE role = 'super_admin' AND is_active ORDER BY id FOR UPDATE",
    );
    if (active.length <= 1) {
      throw ApiError.conflict('This is the last active super admin: make another super admin first', [
        { field: 'role', errors: ['the installation needs at least one active super admin'] },
      ]);
    }
  }

  private assertNotSelf(caller: AuthUser, user: User, what: string): void {
    if (caller.id === user.id) throw ApiError.badRequest('forbidden_self_change', `You cannot ${what}`);
  }
}
