import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { PresenceSnapshots } from './presence-snapshots.js';

/**
 * Face snapshots are photos of the person: they go with the person, in the deletion's transaction (files once it
 * commits). The events stay as the record of who was where, unless the person is erased altogether.
 */
@Injectable()
export class PresenceEmployeeDeletedListener {
  constructor(
    private readonly snapshots: PresenceSnapshots,
    private readonly hooks: TransactionHooks,
    private readonly audit: AuditService,
  ) {}

  @OnDomainEvent('employee.deleted', { phase: 'transaction' })
  async eraseSnapshots(event: DomainEvents['employee.deleted'], manager: EntityManager): Promise<void> {
    const { organizationId, employeeId, erased } = event;
    const files = await this.snapshots.eraseOf(manager, organizationId, employeeId, erased);
    if (files.length > 0) {
      await this.audit.record(
        {
          action: 'employee.presence_snapshots_erased',
          entityType: 'employee',
          entityId: employeeId,
          organizationId,
          newValues: { snapshot_files_erased: files.length, events_erased: erased },
        },
        manager,
      );
    }
    await this.hooks.afterCommit(manager, () => this.snapshots.discard(files));
  }
}
