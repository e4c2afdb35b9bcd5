import { Injectable } from '@nestjs/common';
import { type EntityManager, IsNull } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { Employee } from './employee.entity.js';

/**
 * Departments and shifts stay while people belong to them: their deletion is refused with 409 `in_use` until the
 * people are moved (the foreign key would otherwise clear their department or shift without a word). Deleted
 * people do not count: their rows keep the id only for the audit trail.
 */
@Injectable()
export class PeopleInUseListener {
  @OnDomainEvent('department.deleting', { phase: 'transaction' })
  async refuseDepartmentInUse(event: DomainEvents['department.deleting'], manager: EntityManager): Promise<void> {
    const people = await manager.getRepository(Employee).countBy({
      organizationId: event.organizationId,
      departmentId: event.departmentId,
      deletedAt: IsNull(),
    });
    if (people > 0) throw ApiError.inUse('department', 'employees', people);
  }

  @OnDomainEvent('shift.deleting', { phase: 'transaction' })
  async refuseShiftInUse(event: DomainEvents['shift.deleting'], manager: EntityManager): Promise<void> {
    const people = await manager.getRepository(Employee).countBy({
      organizationId: event.organizationId,
      shiftId: event.shiftId,
      deletedAt: IsNull(),
    });
    if (people > 0) throw ApiError.inUse('shift', 'employees', people);
  }
}
