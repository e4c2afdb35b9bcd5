import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import type { Permission } from '../access/permissions.js';
import { ApiError } from '../common/api-error.js';
import { RolesService } from '../roles/roles.service.js';
import { AccessCache } from '../sessions/access-cache.js';
import type { User } from '../users/user.entity.js';
import type { AccessTokenPayload } from './auth.dto.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { UserAccounts } from '../users/user-accounts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an access check needs to know of a user; cached per instance, dropped on every change. */
interface UserAccess {
  id: string;
  username: string;
  role: string;
  organizationId: string;
  tokenVersion: number;
  isActive: boolean;
  permissions: ReadonlySet<Permission>;
}

/**
 * Turns a verified access-token payload into the caller. A token works only while its user is active with the
 * same token version, the user's organisation is active, and its login (refresh family) has not ended: logout,
 * refresh-token reuse, a password change or reset all end it at once. Each of these is read through the
 * AccessCache, so a request usually costs no query. HTTP and sockets share this.
 */
@Injectable()
export class AuthUserResolver {
  constructor(
    private readonly accounts: UserAccounts,
    private readonly dataSource: DataSource,
    private readonly roles: RolesService,
    private readonly cache: AccessCache,
    private readonly organizations: OrganizationsService,
  ) {}

  async resolve(payload: AccessTokenPayload, requestedOrganizationId?: string): Promise<AuthUser> {
    if (!isWellFormed(payload)) throw ApiError.unauthorized('invalid_token', 'The access token is not valid');
    const user = await this.userAccess(payload.sub);
    if (!user || user.tokenVersion !== payload.ver) {
      throw ApiError.unauthorized('invalid_token', 'The access token has been revoked');
    }
    if (!user.isActive) throw ApiError.unauthorized('account_inactive', 'The account is deactivated');
    const isSuperAdmin = user.role === 'super_admin';
    if (!isSuperAdmin && !(await this.organizationIsActive(user.organizationId))) {
      throw ApiError.unauthorized('organization_inactive', 'The organisation is deactivated');
    }
    if (!(await this.sessionIsLive(payload.fam, user.id))) {
      throw ApiError.unauthorized('session_ended', 'The session has ended; log in again');
    }
    let organizationId = user.organizationId;
    if (requestedOrganizationId && requestedOrganizationId !== user.organizationId) {
      if (!isSuperAdmin) throw ApiError.forbidden('Only a super admin may act in another organisation');
      if (!UUID.test(requestedOrganizationId) || (await this.organization(requestedOrganizationId)) === null) {
        throw ApiError.notFound('Organization');
      }
      organizationId = requestedOrganizationId;
    }
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      organizationId,
      homeOrganizationId: user.organizationId,
      permissions: user.permissions,
      isSuperAdmin,
    };
  }

  async organizationIsActive(organizationId: string): Promise<boolean> {
    return (await this.organization(organizationId))?.isActive === true;
  }

  private userAccess(id: string): Promise<UserAccess | null> {
    return this.cache.get(
      `user:${id}`,
      async () => {
        const user = await this.accounts.findById(id);
        if (!user) return null;
        const permissions = await this.roles.permissionsOf(user.organizationId, user.role);
        return { ...pickAccess(user), permissions };
      },
      (user) => user?.organizationId,
    );
  }

  /** A login lives while its family holds a refresh token that is neither used, revoked nor expired. */
  private sessionIsLive(familyId: string, userId: string): Promise<boolean> {
    return this.cache.get(
      `family:${familyId}`,
      async () => {
        const [row] = await this.dataSource.query<{ live: boolean }[]>(
          `SELECT EXISTS (
             SELECT 1 FROM refresh_tokens
             WHERE family_id = $1 AND user_id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
           ) AS live`,
          [familyId, userId],
        );
        return row.live;
      },
      () => userId,
    );
  }

  private organization(id: string): Promise<{ isActive: boolean } | null> {
    return this.cache.get(`organization:${id}`, async () => {
      const isActive = await this.organizations.activeState(id);
      return isActive === null ? null : { isActive };
    });
  }
}

function pickAccess(user: User): Omit<UserAccess, 'permissions'> {
  const { id, username, role, organizationId, tokenVersion, isActive } = user;
  return { id, username, role, organizationId, tokenVersion, isActive };
}

/** A validly signed token is still refused unless it has an expiry and well-formed claims. */
function isWellFormed(payload: AccessTokenPayload): boolean {
  return (
    typeof payload.exp === 'number' &&
    typeof payload.sub === 'string' &&
    UUID.test(payload.sub) &&
    typeof payload.fam === 'string' &&
    UUID.test(payload.fam) &&
    Number.isInteger(payload.ver)
  );
}
