import type { EntityManager } from 'typeorm';
import type { DomainEventBus } from '../../events/domain-event-bus.js';
import type { ClassSession } from './class-session.entity.js';
import type { ClassSessionMark } from './class-session-mark.entity.js';

/** Publishes `attendance.marked` for a student's session mark made or changed in `manager`'s transaction. */
export function publishClassMark(
  events: DomainEventBus,
  manager: EntityManager,
  session: ClassSession,
  mark: ClassSessionMark,
  userId: string | null,
): Promise<void> {
  return events.publish(manager, 'attendance.marked', {
    organizationId: mark.organizationId,
    recordId: mark.id,
    sessionId: session.id,
    employeeId: mark.employeeId,
    userId,
    date: session.date,
    status: mark.status,
    checkInAt: mark.source === 'photo' ? mark.markedAt.toISOString() : null,
    checkOutAt: null,
    source: 'class_session',
  });
}
