import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import type { Severity } from '../audit/audit-log.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { requestContext } from '../common/request-context.js';
import { RolesService } from '../roles/roles.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { assertPasswordFits } from '../users/password-policy.js';
import { toUserDto, type CurrentUserDto } from '../users/user.dto.js';
import type { User } from '../users/user.entity.js';
import { AttemptThrottle } from './attempt-throttle.js';
import { LOGIN_PER_ACCOUNT, LOGIN_PER_ADDRESS, PASSWORD_CHECKS } from './auth-limits.js';
import { AuthUserResolver } from './auth-user.resolver.js';
import type { ChangePasswordDto, LoginDto, StatusDto, TokenPairDto } from './auth.dto.js';
import { PasswordResetService } from './password-reset.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { parseRefreshToken, SessionTokens, sha256 } from './session-tokens.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { UserAccounts } from '../users/user-accounts.js';

type RefreshOutcome = { error: ApiError } | { pair: TokenPairDto };

/** Logins and their sessions: log in, refresh, log out, change password. */
@Injectable()
export class AuthService {
  /** Verified against when the login names nobody, so unknown and known users take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly accounts: UserAccounts,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SessionTokens,
    private readonly throttle: AttemptThrottle,
    private readonly roles: RolesService,
    private readonly audit: AuditService,
    private readonly resolver: AuthUserResolver,
    private readonly resets: PasswordResetService,
    private readonly organizations: OrganizationsService,
  ) {}

  /**
   * Each attempt is counted per client address and per account before the password is checked, so neither
   * parallel requests nor switching between username and email gets more guesses.
   */
  async login(input: LoginDto): Promise<TokenPairDto> {
    const login = (input.username ?? input.email ?? '').toLowerCase();
    const addressKey = `login-address:${requestContext.current()?.ip ?? 'unknown'}`;
    await this.throttle.hit(addressKey, LOGIN_PER_ADDRESS);
    const user = await this.accounts.findByLogin(input.username !== undefined ? 'username' : 'email', login);
    const accountKey = user ? `login-account:${user.id}` : `login-name:${login}`;
    await this.throttle.hit(
      accountKey,
      LOGIN_PER_ACCOUNT,
      user ? { organizationId: user.organizationId, userId: user.id } : undefined,
    );
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !valid) {
      await this.audit.record({
        action: 'auth.login_failed',
        severity: 'medium',
        entityType: 'user',
        entityId: user?.id,
        newValues: { login },
        userId: user?.id ?? null,
        organizationId: user?.organizationId ?? null,
      });
      throw ApiError.unauthorized('invalid_credentials', 'The username/email or password is wrong');
    }
    await this.throttle.reset(accountKey);
    await this.throttle.forgive(addressKey);
    if (!user.isActive) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'account_inactive', 'The account is deactivated');
    }
    if (user.role !== 'super_admin' && !(await this.resolver.organizationIsActive(user.organizationId))) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'organization_inactive', 'The organisation is deactivated');
    }
    return this.dataSource.transaction(async (manager) => {
      await this.accounts.recordLogin(manager, user.id);
      const pair = await this.startSession(manager, user);
      await this.audit.record(
        {
          action: 'auth.login',
          entityType: 'user',
          entityId: user.id,
          userId: user.id,
          organizationId: user.organizationId,
        },
        manager,
      );
      return pair;
    });
  }

  /**
   * Swaps a refresh token for a new pair. A token that was already used (or revoked) means it leaked:
   * the whole family (that login) is revoked, its access tokens stop working, and the caller gets 401. Except
   * within the grace window right after its rotation: then two tabs (or React StrictMode) refreshing with the same
   * token at once both get the same new pair, as long as that pair is still unused and the login still live.
   * The transaction returns its refusal instead of throwing it: a throw would roll the revocation back.
   */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const stored = await this.findRefreshToken(manager.getRepository(RefreshToken), refreshToken, true);
      if (!stored) return { error: ApiError.unauthorized('invalid_token', 'The refresh token is not valid') };
      if (stored.usedAt || stored.revokedAt) {
        const again = await this.pairWithinGrace(manager, stored, refreshToken);
        if (again) return { pair: again };
        await this.tokens.revokeFamily(manager, stored.familyId);
        await this.recordSecurityEvent(manager, 'auth.refresh_reused', stored.userId, 'high');
        return {
          error: ApiError.unauthorized('token_reused', 'The refresh token was already used; the session is ended'),
        };
      }
      if (stored.expiresAt.getTime() <= Date.now()) {
        return { error: ApiError.unauthorized('token_expired', 'The refresh token has expired') };
      }
      const user = await this.accounts.findById(stored.userId, manager);
      if (!user?.isActive) return { error: ApiError.unauthorized('account_inactive', 'The account is deactivated') };
      if (user.role !== 'super_admin' && !(await this.organizationIsActive(manager, user.organizationId))) {
        return { error: ApiError.unauthorized('organization_inactive', 'The organisation is deactivated') };
      }
      const pair = await this.startSession(manager, user, stored.familyId);
      const successorSealed = this.tokens.refreshGraceMs > 0 ? this.tokens.sealSuccessor(refreshToken, pair) : null;
      await manager.getRepository(RefreshToken).update({ id: stored.id }, { usedAt: new Date(), successorSealed });
      return { pair };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /**
   * The pair a used token was rotated into, when it is asked for again within the grace window and that pair's
   * refresh token is still unused and unrevoked (the row is locked by the caller, so concurrent asks queue here).
   */
  private async pairWithinGrace(
    manager: EntityManager,
    stored: RefreshToken,
    refreshToken: string,
  ): Promise<TokenPairDto | null> {
    if (stored.revokedAt || !stored.usedAt || !stored.successorSealed) return null;
    if (Date.now() - stored.usedAt.getTime() > this.tokens.refreshGraceMs) return null;
    const pair = this.tokens.openSuccessor(refreshToken, stored.successorSealed);
    const successor = pair && parseRefreshToken(pair.refresh_token);
    if (!successor) return null;
    const next = await manager.getRepository(RefreshToken).findOneBy({ id: successor.id });
    return next && !next.usedAt && !next.revokedAt && next.expiresAt.getTime() > Date.now() ? pair : null;
  }

  /** Ends the login the refresh token belongs to, its access tokens included. */
  async logout(refreshToken: string): Promise<StatusDto> {
    await this.dataSource.transaction(async (manager) => {
      const stored = await this.findRefreshToken(manager.getRepository(RefreshToken), refreshToken, false);
      if (!stored || stored.revokedAt) throw ApiError.unauthorized('invalid_token', 'The refresh token is not valid');
      await this.tokens.revokeFamily(manager, stored.familyId);
      await this.recordSecurityEvent(manager, 'auth.logout', stored.userId);
    });
    return { status: 'logged_out' };
  }

  async me(caller: AuthUser): Promise<CurrentUserDto> {
    const user = await this.accounts.findById(caller.id);
    if (!user) throw ApiError.notFound('User');
    return { ...toUserDto(user), permissions: [...caller.permissions].sort() };
  }

  /**
   * Changes the caller's password and ends their other logins (this one stays) and any reset token. Wrong
   * `old_password` guesses are throttled like logins, so a stolen access token cannot be used to find it.
   */
  async changePassword(caller: AuthUser, familyId: string | undefined, input: ChangePasswordDto): Promise<StatusDto> {
    const user = await this.accounts.findById(caller.id);
    if (!user) throw ApiError.notFound('User');
    const checkKey = `password-check:${user.id}`;
    await this.throttle.hit(checkKey, PASSWORD_CHECKS, { organizationId: user.organizationId, userId: user.id });
    if (!(await this.hasher.verify(user.passwordHash, input.old_password))) {
      throw ApiError.badRequest('invalid_password', 'The current password is wrong', [
        { field: 'old_password', errors: ['old_password is wrong'] },
      ]);
    }
    await this.throttle.reset(checkKey);
    assertPasswordFits(input.new_password, user, 'new_password');
    const passwordHash = await this.hasher.hash(input.new_password);
    await this.dataSource.transaction(async (manager) => {
      await this.accounts.setPassword(manager, user.id, passwordHash, { revokeTokens: false });
      await this.tokens.revokeAllOfUser(manager, user.id, familyId);
      await this.resets.voidTokensOf(manager, user.id);
      await this.audit.record(
        { action: 'auth.password_changed', entityType: 'user', entityId: user.id, organizationId: user.organizationId },
        manager,
      );
    });
    return { status: 'password_changed' };
  }

  private async startSession(manager: EntityManager, user: User, familyId?: string): Promise<TokenPairDto> {
    const context = requestContext.current();
    const client = { ip: context?.ip ?? null, userAgent: context?.userAgent ?? null };
    const refresh = await this.tokens.issueRefreshToken(manager, user, familyId, client);
    const permissions = await this.roles.permissionsOf(user.organizationId, user.role, manager);
    return {
      access_token: await this.tokens.signAccessToken(user, refresh.familyId),
      refresh_token: refresh.token,
      token_type: 'bearer',
      expires_in: this.tokens.accessTokenTtl,
      user: {
        id: user.id,
        username: user.username,
        email: user.email,
        full_name: user.fullName,
        role: user.role,
        organization_id: user.organizationId,
        permissions: [...permissions].sort(),
      },
    };
  }

  /**
   * An event of a user's session, audited under the user's organisation so its admins see it; with a severity it is
   * in the security log too.
   */
  private async recordSecurityEvent(
    manager: EntityManager,
    action: string,
    userId: string,
    severity?: Severity,
  ): Promise<void> {
    const user = await this.accounts.findById(userId, manager);
    await this.audit.record(
      { action, entityType: 'user', entityId: userId, userId, organizationId: user?.organizationId ?? null, severity },
      manager,
    );
  }

  private async organizationIsActive(manager: EntityManager, organizationId: string): Promise<boolean> {
    return (await this.organizations.activeState(organizationId, manager)) === true;
  }

  private async findRefreshToken(
    repository: Repository<RefreshToken>,
    token: string,
    lock: boolean,
  ): Promise<RefreshToken | null> {
    const parsed = parseRefreshToken(token);
    if (!parsed) return null;
    const stored = await repository.findOne({
      where: { id: parsed.id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return stored && stored.tokenHash === sha256(token) ? stored : null;
  }
}
