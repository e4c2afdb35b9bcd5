import type { EntityManager } from 'typeorm';
import type { DomainEventBus } from '../events/domain-event-bus.js';
import type { AttendanceRecord } from './attendance-record.entity.js';

/** Publishes `attendance.marked` for a record made or changed in `manager`'s transaction. */
export function publishAttendanceMarked(
  events: DomainEventBus,
  manager: EntityManager,
  record: AttendanceRecord,
  userId: string | null,
): Promise<void> {
  return events.publish(manager, 'attendance.marked', {
    organizationId: record.organizationId,
    recordId: record.id,
    sessionId: null,
    employeeId: record.employeeId,
    userId,
    date: record.date,
    status: record.status,
    checkInAt: record.checkInAt?.toISOString() ?? null,
    checkOutAt: record.checkOutAt?.toISOString() ?? null,
    source: record.source,
  });
}
