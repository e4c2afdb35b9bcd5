import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull, MoreThan, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { requestContext } from '../common/request-context.js';
import { MailTransport } from '../mail/mail-transport.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { assertPasswordFits } from '../users/password-policy.js';
import { AttemptThrottle } from './attempt-throttle.js';
import { RESET_PER_ADDRESS, RESET_PER_MAILBOX } from './auth-limits.js';
import type { ResetPasswordDto, StatusDto } from './auth.dto.js';
import { PasswordResetToken } from './password-reset-token.entity.js';
import { SessionTokens, sha256 } from './session-tokens.js';
import { UserAccounts } from '../users/user-accounts.js';

const RESET_TOKEN_TTL_MS = 3600_000;

/** Forgotten passwords: one-hour reset tokens sent by mail, at most one outstanding per user. */
@Injectable()
export class PasswordResetService implements OnApplicationShutdown {
  private readonly logger = new Logger(PasswordResetService.name);
  /** Mails being prepared after the answer went out; awaited at shutdown (and by tests). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @InjectRepository(PasswordResetToken) private readonly resetTokens: Repository<PasswordResetToken>,
    private readonly accounts: UserAccounts,
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: SessionTokens,
    private readonly throttle: AttemptThrottle,
    private readonly audit: AuditService,
    private readonly mail: MailTransport,
  ) {}

  /**
   * Answers the same, in the same time, whether or not the address is known: the lookup, the token and the mail
   * happen after the answer. Requests are limited per mailbox and per client address, known or not.
   */
  async forgotPassword(email: string): Promise<StatusDto> {
    const mailbox = email.trim().toLowerCase();
    await this.throttle.hit(`reset-address:${requestContext.current()?.ip ?? 'unknown'}`, RESET_PER_ADDRESS);
    await this.throttle.hit(`reset-mailbox:${mailbox}`, RESET_PER_MAILBOX);
    const work = this.sendResetToken(mailbox).catch((error: unknown) =>
      this.logger.error(`Password reset mail failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return { status: 'ok', message: 'If the address belongs to an active account, a reset link has been sent' };
  }

  /** Resolves once every reset mail started so far has been handled. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.settled();
  }

  /**
   * Sets a new password with a reset token. The token is looked up before any password is hashed, so guesses
   * cost no hashing; using it voids the user's other reset tokens and ends every session of the user.
   */
  async resetPassword(input: ResetPasswordDto): Promise<StatusDto> {
    const tokenHash = sha256(input.token);
    const found = await this.resetTokens.findOneBy({
      tokenHash,
      usedAt: IsNull(),
      expiresAt: MoreThan(new Date()),
    });
    const user = found ? await this.accounts.findById(found.userId) : null;
    if (!found || !user?.isActive) throw invalidToken();
    assertPasswordFits(input.new_password, user, 'new_password');
    const passwordHash = await this.hasher.hash(input.new_password);
    await this.dataSource.transaction(async (manager) => {
      const reset = await manager.getRepository(PasswordResetToken).findOne({
        where: { id: found.id, usedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!reset) throw invalidToken();
      await this.voidTokensOf(manager, user.id);
      await this.accounts.setPassword(manager, user.id, passwordHash, { revokeTokens: true });
      await this.tokens.revokeAllOfUser(manager, user.id);
      await this.audit.record(
        {
          action: 'auth.password_reset',
          entityType: 'user',
          entityId: user.id,
          userId: user.id,
          organizationId: user.organizationId,
        },
        manager,
      );
    });
    return { status: 'password_reset' };
  }

  /** Every outstanding reset token of the user stops working (a new one, a reset, a password change). */
  async voidTokensOf(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('UPDATE password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [
      userId,
    ]);
  }

  private async sendResetToken(mailbox: string): Promise<void> {
    const user = await this.accounts.findByLogin('email', mailbox);
    if (!user?.isActive) return;
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await this.voidTokensOf(manager, user.id);
      await manager.getRepository(PasswordResetToken).insert({
        userId: user.id,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
      });
      await this.audit.record(
        {
          action: 'auth.password_reset_requested',
          entityType: 'user',
          entityId: user.id,
          userId: user.id,
          organizationId: user.organizationId,
        },
        manager,
      );
    });
    await this.mail.send({
      to: user.email,
      subject: 'Reset your password',
      text: `Use this token within one hour to set a new password:\n\n${token}\n\nIf you did not ask for this, ignore this mail.`,
    });
  }
}

const invalidToken = () => ApiError.badRequest('invalid_token', 'The reset token is not valid or has expired');
