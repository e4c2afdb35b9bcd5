import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { AttendanceMarker } from './attendance-marker.js';

/**
 * Recognised sightings become attendance, in the transaction that stores them, so none is lost. A sighting that is
 * an anomaly or failed a required liveness check waits for review and counts only once approved.
 */
@Injectable()
export class PresenceListener {
  constructor(private readonly marker: AttendanceMarker) {}

  @OnDomainEvent('presence.recognized', { phase: 'transaction' })
  async onRecognized(event: DomainEvents['presence.recognized'], manager: EntityManager): Promise<void> {
    for (const detection of event.detections) {
      if (!detection.matched || !detection.personId || detection.isAnomaly) continue;
      if (detection.liveness && !detection.liveness.passed) continue;
      await this.marker.mark(manager, {
        organizationId: event.organizationId,
        employeeId: detection.personId,
        at: new Date(event.frameTime),
        direction: detection.eventType,
        cameraId: event.cameraId,
        locationId: event.locationId,
        confidence: detection.matchConfidence,
        livenessPassed: detection.liveness?.passed ?? null,
        source: 'presence',
      });
    }
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
