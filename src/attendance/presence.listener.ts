import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { AttendanceMarker } from './attendance-marker.js';

/** Cameras and people whose last mark this instance remembers at most at once. */
const MAX_REMEMBERED_MARKS = 10_000;

/**
 * Recognised sightings become attendance, in the transaction that stores them, so none is lost. A sighting that is
 * an anomaly or failed a required liveness check waits for review and counts only once approved.
 *
 * A person standing at a camera repeats one open presence event frame after frame: those repeats mark attendance at
 * most once per PRESENCE_MARK_INTERVAL_SECONDS of frame time (per camera and person, remembered by this instance),
 * which spares the attendance writes and the `attendance.marked` events of every frame. Check-out and last-seen
 * times lag by less than the interval; the first sighting of an event always marks.
 */
@Injectable()
export class PresenceListener {
  /** `camera:person` → frame time (ms) of the last sighting that marked attendance. */
  private readonly lastMarks = new Map<string, number>();

  constructor(
    private readonly marker: AttendanceMarker,
    private readonly config: AppConfig,
  ) {}

  @OnDomainEvent('presence.recognized', { phase: 'transaction' })
  async onRecognized(event: DomainEvents['presence.recognized'], manager: EntityManager): Promise<void> {
    for (const detection of event.detections) {
      if (!detection.matched || !detection.personId || detection.isAnomaly) continue;
      if (detection.liveness && !detection.liveness.passed) continue;
      const at = new Date(event.frameTime);
      const key = `${event.cameraId}:${detection.personId}`;
      if (!detection.isNewEvent && this.markedWithinInterval(key, at)) continue;
      this.remember(key, at);
      await this.marker.mark(manager, {
        organizationId: event.organizationId,
        employeeId: detection.personId,
        at,
        direction: detection.eventType,
        cameraId: event.cameraId,
        locationId: event.locationId,
        confidence: detection.matchConfidence,
        livenessPassed: detection.liveness?.passed ?? null,
        source: 'presence',
      });
    }
  }

  /** Whether the last sighting of `key` that marked attendance is less than the interval away from `at`. */
  private markedWithinInterval(key: string, at: Date): boolean {
    const last = this.lastMarks.get(key);
    return last !== undefined && Math.abs(at.getTime() - last) < this.config.presence.markIntervalSeconds * 1000;
  }

  private remember(key: string, at: Date): void {
    if (this.lastMarks.size >= MAX_REMEMBERED_MARKS && !this.lastMarks.has(key)) this.lastMarks.clear();
    this.lastMarks.set(key, at.getTime());
  }

  @OnDomainEvent('presence.approved', { phase: 'transaction' })
  async onApproved(event: DomainEvents['presence.approved'], manager: EntityManager): Promise<void> {
    await this.marker.mark(manager, {
      organizationId: event.organizationId,
      employeeId: event.employeeId,
      at: new Date(event.occurredAt),
      direction: event.direction,
      cameraId: event.cameraId,
      locationId: event.locationId,
      confidence: event.similarity,
      livenessPassed: event.livenessPassed,
      source: 'presence',
    });
  }
}
