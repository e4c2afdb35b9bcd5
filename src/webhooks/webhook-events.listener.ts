import { Injectable } from '@nestjs/common';
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
 * Domain events → webhook deliveries, once their transaction has committed (a rolled-back change is never sent).
 * The `data` of each body is the payload Socket.IO clients get for the same event.
 */
@Injectable()
export class WebhookEventsListener {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  @OnDomainEvent('attendance.marked', { phase: 'committed' })
  attendanceMarked(event: DomainEvents['attendance.marked']): void {
    this.dispatcher.dispatch('attendance.marked', event.organizationId, toAttendanceMarkedEvent(event));
  }

  @OnDomainEvent('presence.unknown', { phase: 'committed' })
  unknown(event: DomainEvents['presence.unknown']): void {
    this.dispatcher.dispatch('presence.unknown', event.organizationId, toPresenceUnknownEvent(event));
  }

  @OnDomainEvent('presence.anomaly', { phase: 'committed' })
  anomaly(event: DomainEvents['presence.anomaly']): void {
    this.dispatcher.dispatch('presence.anomaly', event.organizationId, toPresenceAnomalyEvent(event));
  }

  @OnDomainEvent('visitor.checked_in', { phase: 'committed' })
  visitorCheckedIn(event: DomainEvents['visitor.checked_in']): void {
    this.dispatcher.dispatch('visitor.checked_in', event.organizationId, toVisitorCheckedInEvent(event));
  }

  @OnDomainEvent('visitor.watchlist_hit', { phase: 'committed' })
  watchlistHit(event: DomainEvents['visitor.watchlist_hit']): void {
    this.dispatcher.dispatch('visitor.watchlist_hit', event.organizationId, toVisitorWatchlistHitEvent(event));
  }

  @OnDomainEvent('face.enrolled', { phase: 'committed' })
  enrolled(event: DomainEvents['face.enrolled']): void {
    this.dispatcher.dispatch('enrollment.completed', event.organizationId, toEnrollmentCompletedEvent(event));
  }

  @OnDomainEvent('camera.status', { phase: 'committed' })
  cameraStatus(event: DomainEvents['camera.status']): void {
    this.dispatcher.dispatch('camera.status', event.organizationId, toCameraStatusEvent(event));
  }
}
