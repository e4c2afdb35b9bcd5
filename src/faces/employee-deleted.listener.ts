import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { FaceTemplatesService } from './face-templates.service.js';

/** A deleted person's biometric data goes with them: in the deletion's transaction, files once it commits. */
@Injectable()
export class EmployeeDeletedListener {
  constructor(
    private readonly templates: FaceTemplatesService,
    private readonly hooks: TransactionHooks,
    private readonly audit: AuditService,
  ) {}

  @OnDomainEvent('employee.deleted', { phase: 'transaction' })
  async eraseFaces(event: DomainEvents['employee.deleted'], manager: EntityManager): Promise<void> {
    const { organizationId, employeeId } = event;
    const erased = await this.templates.eraseInTransaction(manager, organizationId, employeeId);
    if (erased.files.length > 0 || erased.cancelledJobs > 0) {
      await this.audit.record(
        {
          action: 'employee.faces_erased',
          entityType: 'employee',
          entityId: employeeId,
          organizationId,
          newValues: { face_files_erased: erased.files.length, enrollment_jobs_cancelled: erased.cancelledJobs },
        },
        manager,
      );
    }
    await this.hooks.afterCommit(manager, () => this.templates.afterErase(organizationId, employeeId, erased));
  }
}
