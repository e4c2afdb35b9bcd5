/** One face of a processed frame, as presence recorded it. */
export interface PresenceDetection {
  /** The presence event this face became (a debounced face updates an earlier one). */
  eventId: string;
  /** False when the face repeated an event of the debounce window (that event's `seenCount` went up). */
  isNewEvent: boolean;
  seenCount: number;
  /** The camera's direction: `in`, `out`, or `both` (the camera cannot tell). */
  eventType: 'in' | 'out' | 'both';
  /** Pixels of the frame: x, y, width, height. */
  bbox: { x: number; y: number; width: number; height: number };
  matched: boolean;
  personId: string | null;
  personName: string | null;
  personCode: string | null;
  /** `employee` or `student` when matched, `unknown` otherwise. */
  kind: string;
  /** Similarity of the best match, 0..1 (null when the gallery was empty). */
  matchConfidence: number | null;
  liveness: { passed: boolean; score: number } | null;
  isAnomaly: boolean;
  anomalyReason: string | null;
  /** `pending` for unknown faces and anomalies, else `not_required` (or the review's outcome for a repeat). */
  reviewStatus: 'pending' | 'approved' | 'rejected' | 'not_required';
  /** API path of the stored face snapshot's thumbnail. */
  thumbnailUrl: string | null;
  modelsUsed: string[];
}

/**
 * Every domain event: its name and what it carries. Payloads are plain data (ids, names, times), never entities,
 * so that the same names and shapes can go to Socket.IO clients and webhooks. Documented in docs/events.md.
 */
export interface DomainEvents {
  /** Every session of the user must end (role change, deactivation, a password set by an admin). In transaction. */
  'user.access_revoked': { organizationId: string; userId: string };
  /** A custom role is being deleted; a listener refuses (throws) while something still uses it. In transaction. */
  'role.deleting': { organizationId: string; roleName: string };
  /** A department, shift or location is being deleted; listeners refuse (throw 409) while something uses it. */
  'department.deleting': { organizationId: string; departmentId: string };
  'shift.deleting': { organizationId: string; shiftId: string };
  'location.deleting': { organizationId: string; locationId: string };
  /** A person was deleted (soft) or erased (`erased`: the row is gone too). Published inside the deletion. */
  'employee.deleted': { organizationId: string; employeeId: string; erased: boolean };
  /** Face templates were stored for a person and are searchable. */
  'face.enrolled': { organizationId: string; employeeId: string; templateIds: string[]; jobId: string | null };
  /** Face templates of a person were removed (one by one, or all at the person's deletion). */
  'face.removed': { organizationId: string; employeeId: string; templateIds: string[] };
  /**
   * A person's attendance record of a day was made or changed (by a camera, a check-in, the close or a person), or
   * a student's mark of a class session (`sessionId` set, `recordId` the mark's id, source `class_session`).
   */
  'attendance.marked': {
    organizationId: string;
    recordId: string;
    /** The class session of a session mark; null for a daily record. */
    sessionId: string | null;
    employeeId: string;
    /** The user account linked to the person, whose own room hears it too. */
    userId: string | null;
    date: string;
    status: string;
    checkInAt: string | null;
    checkOutAt: string | null;
    source: string;
  };
  /** A camera went online or offline (heartbeat or frame within the window, or none). After commit. */
  'camera.status': {
    organizationId: string;
    cameraId: string;
    locationId: string | null;
    status: 'online' | 'offline';
    at: string;
  };
  /** A camera's frame was processed: every face in it (recognised or not), as stored presence events. */
  'presence.recognized': {
    organizationId: string;
    cameraId: string;
    locationId: string | null;
    /** The stream URL without credentials. */
    streamUrl: string | null;
    /** ISO time the frame was taken (as the device said) or received. */
    frameTime: string;
    detections: PresenceDetection[];
  };
  /** A face matched nobody (a new unknown-face event, not a debounced repeat). */
  'presence.unknown': {
    organizationId: string;
    cameraId: string;
    locationId: string | null;
    eventId: string;
    frameTime: string;
    thumbnailUrl: string | null;
  };
  /** A held presence event (anomaly, failed liveness) was approved by a reviewer: it now counts. */
  'presence.approved': {
    organizationId: string;
    eventId: string;
    employeeId: string;
    cameraId: string | null;
    locationId: string | null;
    direction: 'in' | 'out' | 'both';
    /** ISO time of the sighting. */
    occurredAt: string;
    similarity: number | null;
    livenessPassed: boolean | null;
  };
  /** A visitor was checked in (walk-in or pre-registered); the host's own account hears it. In transaction. */
  'visitor.checked_in': {
    organizationId: string;
    visitId: string;
    visitorId: string;
    visitorName: string;
    company: string | null;
    hostEmployeeId: string | null;
    /** The user account linked to the host, whose own room hears it. */
    hostUserId: string | null;
    badgeNumber: string | null;
    floors: string[];
    towers: string[];
    checkedInAt: string;
  };
  /** A watchlisted visitor was recognised at the desk or tried to check in (refused). In transaction. */
  'visitor.watchlist_hit': {
    organizationId: string;
    visitorId: string;
    visitorName: string;
    /** `identify` (recognised from a desk photo) or `check_in` (a check-in was refused). */
    source: 'identify' | 'check_in';
    /** The desk user who met them. */
    userId: string;
    at: string;
  };
  /** A presence event was flagged: spoof suspected, outside the person's shift, or at two places at once. */
  'presence.anomaly': {
    organizationId: string;
    cameraId: string;
    locationId: string | null;
    eventId: string;
    employeeId: string | null;
    reason: string;
    frameTime: string;
  };
}

export type DomainEventName = keyof DomainEvents;
