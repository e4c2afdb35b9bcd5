import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { RolesService } from '../roles/roles.service.js';
import { User } from '../users/user.entity.js';
import type { AccessTokenPayload } from './auth.dto.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns a verified access-token payload into the caller: refuses tokens of deactivated users and tokens
 * older than the user's token version, and resolves the role's permissions. HTTP and sockets share it.
 */
@Injectable()
export class AuthUserResolver {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly roles: RolesService,
  ) {}

  async resolve(payload: AccessTokenPayload, requestedOrganizationId?: string): Promise<AuthUser> {
    const user = await this.users.findOneBy({ id: payload.sub });
    if (!user || user.tokenVersion !== payload.ver) {
      throw ApiError.unauthorized('invalid_token', 'The access token has been revoked');
    }
    if (!user.isActive) throw ApiError.unauthorized('account_inactive', 'The account is deactivated');
    const isSuperAdmin = user.role === 'super_admin';
    if (!isSuperAdmin && !(await this.organizationIsActive(user.organizationId))) {
      throw ApiError.unauthorized('organization_inactive', 'The organisation is deactivated');
    }
    const permissions = await this.roles.permissionsOf(user.organizationId, user.role);
    let organizationId = user.organizationId;
    if (requestedOrganizationId && requestedOrganizationId !== user.organizationId) {
      if (!isSuperAdmin) throw ApiError.forbidden('Only a super admin may act in another organisation');
      if (!UUID.test(requestedOrganizationId)) throw ApiError.notFound('Organization');
      const rows = await this.users.query<unknown[]>('SELECT 1 FROM organizations WHERE id = $1', [
        requestedOrganizationId,
      ]);
      if (rows.length === 0) throw ApiError.notFound('Organization');
      organizationId = requestedOrganizationId;
    }
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      organizationId,
      homeOrganizationId: user.organizationId,
      permissions,
      isSuperAdmin,
    };
  }

  async organizationIsActive(organizationId: string): Promise<boolean> {
    const rows = await this.users.query<{ is_active: boolean }[]>('SELECT is_active FROM organizations WHERE id = $1', [
      organizationId,
    ]);
    return rows[0]?.is_active === true;
  }
}
