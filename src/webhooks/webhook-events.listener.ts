import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import {
  toAttendanceMarkedEvent,
  toCameraStatusEvent,
  toEnrollmentCompletedEvent,
  toPresenceAnomalyEvent,
  toPresenceUnknownEvent,
  toVisitorCheckedInEvent,
  toVisitorWatchlistHitEvent,
} from '../live/live-payloads.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

/**
 * Domain events → webhook deliveries, queued in the event's transaction (sent once it commits; a rolled-back change
 * is never sent). The `data` of each body is the payload Socket.IO clients get for the same event.
 */
@Injectable()
export class WebhookEventsListener {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  @OnDomainEvent('attendance.marked', { phase: 'transaction' })
  attendanceMarked(event: DomainEvents['attendance.marked'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(manager, 'attendance.marked', event.organizationId, toAttendanceMarkedEvent(event));
  }

  @OnDomainEvent('presence.unknown', { phase: 'transaction' })
  unknown(event: DomainEvents['presence.unknown'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(manager, 'presence.unknown', event.organizationId, toPresenceUnknownEvent(event));
  }

  @OnDomainEvent('presence.anomaly', { phase: 'transaction' })
  anomaly(event: DomainEvents['presence.anomaly'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(manager, 'presence.anomaly', event.organizationId, toPresenceAnomalyEvent(event));
  }

  @OnDomainEvent('visitor.checked_in', { phase: 'transaction' })
  visitorCheckedIn(event: DomainEvents['visitor.checked_in'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(
      manager,
      'visitor.checked_in',
      event.organizationId,
      toVisitorCheckedInEvent(event),
    );
  }

  @OnDomainEvent('visitor.watchlist_hit', { phase: 'transaction' })
  watchlistHit(event: DomainEvents['visitor.watchlist_hit'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(
      manager,
      'visitor.watchlist_hit',
      event.organizationId,
      toVisitorWatchlistHitEvent(event),
    );
  }

  @OnDomainEvent('face.enrolled', { phase: 'transaction' })
  enrolled(event: DomainEvents['face.enrolled'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(
      manager,
      'enrollment.completed',
      event.organizationId,
      toEnrollmentCompletedEvent(event),
    );
  }

  @OnDomainEvent('camera.status', { phase: 'transaction' })
  cameraStatus(event: DomainEvents['camera.status'], manager: EntityManager): Promise<void> {
    return this.dispatcher.dispatch(manager, 'camera.status', event.organizationId, toCameraStatusEvent(event));
  }
}
