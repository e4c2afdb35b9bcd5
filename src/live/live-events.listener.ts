import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import {
  toAttendanceMarkedEvent,
  toCameraStatusEvent,
  toEnrollmentCompletedEvent,
  toPresenceAnomalyEvent,
  toPresenceUnknownEvent,
  toRecognitionEvent,
  toVisitorCheckedInEvent,
  toVisitorWatchlistHitEvent,
} from './live-payloads.js';
import { cameraEventRooms, LiveRoom } from './live-rooms.js';
import { LiveSockets } from './live-sockets.js';

/**
 * Domain events → Socket.IO, once their transaction has committed (a rolled-back change is never announced).
 * Each event goes only to rooms of its own organisation (and the super admin's every-organisation feed).
 */
@Injectable()
export class LiveEventsListener {
  constructor(private readonly sockets: LiveSockets) {}

  @OnDomainEvent('presence.recognized', { phase: 'committed' })
  recognized(event: DomainEvents['presence.recognized']): void {
    this.sockets.emit(cameraEventRooms(event), 'recognition', toRecognitionEvent(event, randomUUID()));
  }

  @OnDomainEvent('presence.unknown', { phase: 'committed' })
  unknown(event: DomainEvents['presence.unknown']): void {
    this.sockets.emit(cameraEventRooms(event), 'presence.unknown', toPresenceUnknownEvent(event));
  }

  @OnDomainEvent('presence.anomaly', { phase: 'committed' })
  anomaly(event: DomainEvents['presence.anomaly']): void {
    this.sockets.emit(cameraEventRooms(event), 'presence.anomaly', toPresenceAnomalyEvent(event));
  }

  @OnDomainEvent('camera.status', { phase: 'committed' })
  cameraStatus(event: DomainEvents['camera.status']): void {
    this.sockets.emit(cameraEventRooms(event), 'camera.status', toCameraStatusEvent(event));
  }

  @OnDomainEvent('face.enrolled', { phase: 'committed' })
  enrolled(event: DomainEvents['face.enrolled']): void {
    const rooms = [LiveRoom.feed(event.organizationId, 'people'), LiveRoom.allFeed('people')];
    this.sockets.emit(rooms, 'enrollment.completed', toEnrollmentCompletedEvent(event));
  }

  @OnDomainEvent('attendance.marked', { phase: 'committed' })
  attendanceMarked(event: DomainEvents['attendance.marked']): void {
    const rooms = [LiveRoom.feed(event.organizationId, 'attendance'), LiveRoom.allFeed('attendance')];
    if (event.userId) rooms.push(LiveRoom.user(event.userId));
    this.sockets.emit(rooms, 'attendance.marked', toAttendanceMarkedEvent(event));
  }

  @OnDomainEvent('visitor.checked_in', { phase: 'committed' })
  visitorCheckedIn(event: DomainEvents['visitor.checked_in']): void {
    const rooms = [LiveRoom.feed(event.organizationId, 'security'), LiveRoom.allFeed('security')];
    if (event.hostUserId) rooms.push(LiveRoom.user(event.hostUserId));
    this.sockets.emit(rooms, 'visitor.checked_in', toVisitorCheckedInEvent(event));
  }

  @OnDomainEvent('visitor.watchlist_hit', { phase: 'committed' })
  watchlistHit(event: DomainEvents['visitor.watchlist_hit']): void {
    const rooms = [LiveRoom.feed(event.organizationId, 'security'), LiveRoom.allFeed('security')];
    this.sockets.emit(rooms, 'visitor.watchlist_hit', toVisitorWatchlistHitEvent(event));
  }

  /** Deactivation, a role change or an admin-set password: the user's sockets close with their tokens. */
  @OnDomainEvent('user.access_revoked', { phase: 'committed' })
  accessRevoked(event: DomainEvents['user.access_revoked']): void {
    this.sockets.endSessionsOf(event.userId, 'access_revoked', 'Your access has changed; log in again');
  }
}
