import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { User } from './user.entity.js';

/** A role stays while users hold it: its deletion is refused with 409 until they are reassigned. */
@Injectable()
export class RoleHoldersListener {
  @OnDomainEvent('role.deleting', { phase: 'transaction' })
  async refuseWhileHeld(event: DomainEvents['role.deleting'], manager: EntityManager): Promise<void> {
    const holders = await manager
      .getRepository(User)
      .countBy({ organizationId: event.organizationId, role: event.roleName });
    if (holders > 0) throw ApiError.inUse('role', 'users', holders);
  }
}
