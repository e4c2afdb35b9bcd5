import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { PasswordResetService } from './password-reset.service.js';
import { SessionTokens } from './session-tokens.js';

/** When a user's access is revoked, every login (refresh family) and reset token ends in the same transaction. */
@Injectable()
export class UserAccessRevokedListener {
  constructor(
    private readonly tokens: SessionTokens,
    private readonly resets: PasswordResetService,
  ) {}

  @OnDomainEvent('user.access_revoked', { phase: 'transaction' })
  async endSessions(event: DomainEvents['user.access_revoked'], manager: EntityManager): Promise<void> {
    await this.tokens.revokeAllOfUser(manager, event.userId);
    await this.resets.voidTokensOf(manager, event.userId);
  }
}
