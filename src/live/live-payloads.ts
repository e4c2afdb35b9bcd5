import type { DomainEvents, PresenceDetection } from '../events/domain-events.js';
import type {
  AttendanceMarkedEvent,
  CameraStatusEvent,
  EnrollmentCompletedEvent,
  PresenceAnomalyEvent,
  PresenceUnknownEvent,
  RecognitionDetection,
  RecognitionEvent,
  VisitorCheckedInEvent,
  VisitorWatchlistHitEvent,
} from './live-events.js';

/** Domain events → the payloads sockets receive. Pure: field by field, so nothing internal can leak. */

export function toRecognitionEvent(event: DomainEvents['presence.recognized'], messageId: string): RecognitionEvent {
  return {
    type: 'recognition_event',
    event_id: messageId,
    organization_id: event.organizationId,
    camera_id: event.cameraId,
    location_id: event.locationId,
    stream_url: event.streamUrl,
    frame_time: event.frameTime,
    detections: event.detections.map(toRecognitionDetection),
  };
}

function toRecognitionDetection(detection: PresenceDetection): RecognitionDetection {
  const { x, y, width, height } = detection.bbox;
  return {
    event_id: detection.eventId,
    bbox: { x, y, width, height },
    matched: detection.matched,
    person_id: detection.personId,
    person_name: detection.personName,
    person_code: detection.personCode,
    kind: detection.kind,
    student_id: detection.personId,
    student_name: detection.personName,
    match_confidence: detection.matchConfidence,
    match_modality: 'face',
    models_used: [...detection.modelsUsed],
    liveness: detection.liveness ? { passed: detection.liveness.passed, score: detection.liveness.score } : null,
    is_anomaly: detection.isAnomaly,
    anomaly_reason: detection.anomalyReason,
    thumbnail_url: detection.thumbnailUrl,
  };
}

export function toPresenceUnknownEvent(event: DomainEvents['presence.unknown']): PresenceUnknownEvent {
  return {
    organization_id: event.organizationId,
    camera_id: event.cameraId,
    location_id: event.locationId,
    event_id: event.eventId,
    frame_time: event.frameTime,
    thumbnail_url: event.thumbnailUrl,
  };
}

export function toPresenceAnomalyEvent(event: DomainEvents['presence.anomaly']): PresenceAnomalyEvent {
  return {
    organization_id: event.organizationId,
    camera_id: event.cameraId,
    location_id: event.locationId,
    event_id: event.eventId,
    person_id: event.employeeId,
    reason: event.reason,
    frame_time: event.frameTime,
  };
}

export function toCameraStatusEvent(event: DomainEvents['camera.status']): CameraStatusEvent {
  return {
    organization_id: event.organizationId,
    camera_id: event.cameraId,
    location_id: event.locationId,
    status: event.status,
    at: event.at,
  };
}

export function toEnrollmentCompletedEvent(event: DomainEvents['face.enrolled']): EnrollmentCompletedEvent {
  return {
    organization_id: event.organizationId,
    person_id: event.employeeId,
    template_ids: [...event.templateIds],
    job_id: event.jobId,
  };
}

export function toAttendanceMarkedEvent(event: DomainEvents['attendance.marked']): AttendanceMarkedEvent {
  return {
    organization_id: event.organizationId,
    record_id: event.recordId,
    session_id: event.sessionId,
    person_id: event.employeeId,
    date: event.date,
    status: event.status,
    check_in_at: event.checkInAt,
    check_out_at: event.checkOutAt,
    source: event.source,
  };
}

export function toVisitorCheckedInEvent(event: DomainEvents['visitor.checked_in']): VisitorCheckedInEvent {
  return {
    organization_id: event.organizationId,
    visit_id: event.visitId,
    visitor_id: event.visitorId,
    visitor_name: event.visitorName,
    company: event.company,
    host_employee_id: event.hostEmployeeId,
    badge_number: event.badgeNumber,
    floors: [...event.floors],
    towers: [...event.towers],
    checked_in_at: event.checkedInAt,
  };
}

export function toVisitorWatchlistHitEvent(event: DomainEvents['visitor.watchlist_hit']): VisitorWatchlistHitEvent {
  return {
    organization_id: event.organizationId,
    visitor_id: event.visitorId,
    visitor_name: event.visitorName,
    source: event.source,
    user_id: event.userId,
    at: event.at,
  };
}
