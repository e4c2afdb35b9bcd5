import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { requestContext } from '../common/request-context.js';
import { MailTransport } from '../mail/mail-transport.js';
import { RolesService } from '../roles/roles.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { toUserDto, type CurrentUserDto } from '../users/user.dto.js';
import { User } from '../users/user.entity.js';
import { AuthUserResolver } from './auth-user.resolver.js';
import type { ChangePasswordDto, LoginDto, ResetPasswordDto, StatusDto, TokenPairDto } from './auth.dto.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordResetToken } from './password-reset-token.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { parseRefreshToken, SessionTokens, sha256 } from './session-tokens.js';

const RESET_TOKEN_TTL_MS = 3600_000;

type RefreshOutcome = { error: ApiError } | { pair: TokenPairDto };

@Injectable()
export class AuthService {
  /** Verified against when the login names nobody, so unknown and known users take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SessionTokens,
    private readonly throttle: LoginThrottle,
    private readonly roles: RolesService,
    private readonly audit: AuditService,
    private readonly mail: MailTransport,
    private readonly resolver: AuthUserResolver,
  ) {}

  async login(input: LoginDto): Promise<TokenPairDto> {
    const login = (input.username ?? input.email ?? '').toLowerCase();
    const ip = requestContext.current()?.ip ?? 'unknown';
    await this.throttle.assertAllowed(login, ip);
    const user = await this.users
      .createQueryBuilder('user')
      .where(input.username !== undefined ? 'lower(user.username) = :login' : 'lower(user.email) = :login', { login })
      .getOne();
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), input.password);
    if (!user || !valid) {
      await this.throttle.recordFailure(login, ip);
      await this.audit.record({
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user?.id,
        newValues: { login },
        userId: user?.id ?? null,
        organizationId: user?.organizationId ?? null,
      });
      throw ApiError.unauthorized('invalid_credentials', 'The username/email or password is wrong');
    }
    if (!user.isActive) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'account_inactive', 'The account is deactivated');
    }
    if (user.role !== 'super_admin' && !(await this.resolver.organizationIsActive(user.organizationId))) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'organization_inactive', 'The organisation is deactivated');
    }
    await this.throttle.reset(login, ip);
    return this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: user.id }, { lastLoginAt: new Date() });
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
   * the whole family (that login) is revoked and the caller gets 401.
   */
  async refresh(refreshToken: string): Promise<TokenPairDto> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<RefreshOutcome> => {
      const stored = await this.findRefreshToken(manager.getRepository(RefreshToken), refreshToken, true);
      if (!stored) return { error: ApiError.unauthorized('invalid_token', 'The refresh token is not valid') };
      if (stored.usedAt || stored.revokedAt) {
        await this.tokens.revokeFamily(manager, stored.familyId);
        await this.audit.record(
          { action: 'auth.refresh_reused', entityType: 'user', entityId: stored.userId, userId: stored.userId },
          manager,
        );
        return {
          error: ApiError.unauthorized('token_reused', 'The refresh token was already used; the session is ended'),
        };
      }
      if (stored.expiresAt.getTime() <= Date.now()) {
        return { error: ApiError.unauthorized('token_expired', 'The refresh token has expired') };
      }
      const user = await manager.getRepository(User).findOneBy({ id: stored.userId });
      if (!user?.isActive) return { error: ApiError.unauthorized('account_inactive', 'The account is deactivated') };
      await manager.getRepository(RefreshToken).update({ id: stored.id }, { usedAt: new Date() });
      return { pair: await this.startSession(manager, user, stored.familyId) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  /** Ends the login the refresh token belongs to. */
  async logout(refreshToken: string): Promise<StatusDto> {
    await this.dataSource.transaction(async (manager) => {
      const stored = await this.findRefreshToken(manager.getRepository(RefreshToken), refreshToken, false);
      if (!stored || stored.revokedAt) throw ApiError.unauthorized('invalid_token', 'The refresh token is not valid');
      await this.tokens.revokeFamily(manager, stored.familyId);
      await this.audit.record(
        { action: 'auth.logout', entityType: 'user', entityId: stored.userId, userId: stored.userId },
        manager,
      );
    });
    return { status: 'logged_out' };
  }

  async me(caller: AuthUser): Promise<CurrentUserDto> {
    const user = await this.users.findOneByOrFail({ id: caller.id });
    return { ...toUserDto(user), permissions: [...caller.permissions].sort() };
  }

  /** Changes the caller's password and ends their other logins (this one stays). */
  async changePassword(caller: AuthUser, familyId: string | undefined, input: ChangePasswordDto): Promise<StatusDto> {
    const user = await this.users.findOneByOrFail({ id: caller.id });
    if (!(await this.hasher.verify(user.passwordHash, input.old_password))) {
      throw ApiError.badRequest('invalid_password', 'The current password is wrong', [
        { field: 'old_password', errors: ['old_password is wrong'] },
      ]);
    }
    const passwordHash = await this.hasher.hash(input.new_password);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).update({ id: user.id }, { passwordHash });
      await this.tokens.revokeAllOfUser(manager, user.id, familyId);
      await this.audit.record({ action: 'auth.password_changed', entityType: 'user', entityId: user.id }, manager);
    });
    return { status: 'password_changed' };
  }

  /** Always answers the same, whether or not the address is known, so accounts cannot be probed. */
  async forgotPassword(email: string): Promise<StatusDto> {
    const answer = { status: 'ok', message: 'If the address belongs to an active account, a reset link has been sent' };
    const user = await this.users
      .createQueryBuilder('user')
      .where('lower(user.email) = lower(:email)', { email })
      .getOne();
    if (!user?.isActive) return answer;
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(PasswordResetToken).insert({
        userId: user.id,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
      });
      await this.audit.record(
        { action: 'auth.password_reset_requested', entityType: 'user', entityId: user.id, userId: user.id },
        manager,
      );
    });
    await this.mail.send({
      to: user.email,
      subject: 'Reset your password',
      text: `Use this token within one hour to set a new password:\n\n${token}\n\nIf you did not ask for this, ignore this mail.`,
    });
    return answer;
  }

  /** Sets a new password with a reset token; every session and access token of the user ends. */
  async resetPassword(input: ResetPasswordDto): Promise<StatusDto> {
    const passwordHash = await this.hasher.hash(input.new_password);
    await this.dataSource.transaction(async (manager) => {
      const reset = await manager.getRepository(PasswordResetToken).findOne({
        where: { tokenHash: sha256(input.token), usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!reset) throw ApiError.badRequest('invalid_token', 'The reset token is not valid or has expired');
      await manager.getRepository(PasswordResetToken).update({ id: reset.id }, { usedAt: new Date() });
      await manager.getRepository(User).increment({ id: reset.userId }, 'tokenVersion', 1);
      await manager.getRepository(User).update({ id: reset.userId }, { passwordHash });
      await this.tokens.revokeAllOfUser(manager, reset.userId);
      await this.audit.record(
        { action: 'auth.password_reset', entityType: 'user', entityId: reset.userId, userId: reset.userId },
        manager,
      );
    });
    return { status: 'password_reset' };
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
