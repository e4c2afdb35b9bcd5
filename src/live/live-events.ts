/**
 * Every event the Socket.IO namespace `/events` sends: its name and payload (snake_case, plain data). Documented
 * with examples in docs/events.md. Mapped from domain events by live-payloads.ts.
 */
export interface LiveEvents {
  /** A camera's frame was processed: every face in it, recognised or not. */
  recognition: RecognitionEvent;
  /** A face matched nobody (a new unknown-face presence event). */
  'presence.unknown': PresenceUnknownEvent;
  /** A presence event was flagged (spoof suspected, outside the shift, two places at once). */
  'presence.anomaly': PresenceAnomalyEvent;
  /** A camera went online or offline. */
  'camera.status': CameraStatusEvent;
  /** Face templates of a person were stored and are searchable. */
  'enrollment.completed': EnrollmentCompletedEvent;
  /** A person's attendance record of a day was made or changed. */
  'attendance.marked': AttendanceMarkedEvent;
  /** A visitor was checked in: to the host's own account and the organisation's security feed. */
  'visitor.checked_in': VisitorCheckedInEvent;
  /** A watchlisted visitor was recognised at the desk or refused at check-in: to the security feed. */
  'visitor.watchlist_hit': VisitorWatchlistHitEvent;
  /** Sent to a socket just before the server disconnects it: its token expired or its access ended. */
  'session.ended': SessionEndedEvent;
}

export type LiveEventName = keyof LiveEvents;

/** What a client may send: narrow the socket's feed to a camera or location, or widen it again. */
export interface LiveClientEvents {
  subscribe: (target: unknown, ack?: (answer: SubscriptionAnswer) => void) => void;
  unsubscribe: (target: unknown, ack?: (answer: SubscriptionAnswer) => void) => void;
}

export type SubscriptionAnswer = { ok: true } | { error: string; message: string };

/** Socket.IO's typing of the server side: one listener signature per event of the map. */
export type LiveServerEvents = { [E in LiveEventName]: (payload: LiveEvents[E]) => void };

/** Pixels of the frame. */
export interface LiveBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RecognitionDetection {
  /** The presence event the face became (a debounced face repeats an earlier one's id). */
  event_id: string;
  bbox: LiveBox;
  matched: boolean;
  person_id: string | null;
  person_name: string | null;
  person_code: string | null;
  /** `employee` or `student` when matched, `unknown` otherwise. */
  kind: string;
  /** The seed's names, kept for clients written against it: the same values as person_id and person_name. */
  student_id: string | null;
  student_name: string | null;
  /** Similarity of the best match, 0..1 (null when the gallery was empty). */
  match_confidence: number | null;
  match_modality: 'face';
  models_used: string[];
  liveness: { passed: boolean; score: number } | null;
  is_anomaly: boolean;
  anomaly_reason: string | null;
  /** API path of the face snapshot (`/api/v1/files/:id`, needs the bearer token like any photo). */
  thumbnail_url: string | null;
}

export interface RecognitionEvent {
  type: 'recognition_event';
  /** This message's own id, for de-duplication by clients. */
  event_id: string;
  organization_id: string;
  camera_id: string;
  location_id: string | null;
  /** The stream URL without credentials. */
  stream_url: string | null;
  frame_time: string;
  detections: RecognitionDetection[];
}

export interface PresenceUnknownEvent {
  organization_id: string;
  camera_id: string;
  location_id: string | null;
  event_id: string;
  frame_time: string;
  thumbnail_url: string | null;
}

export interface PresenceAnomalyEvent {
  organization_id: string;
  camera_id: string;
  location_id: string | null;
  event_id: string;
  person_id: string | null;
  reason: string;
  frame_time: string;
}

export interface CameraStatusEvent {
  organization_id: string;
  camera_id: string;
  location_id: string | null;
  status: 'online' | 'offline';
  at: string;
}

export interface EnrollmentCompletedEvent {
  organization_id: string;
  person_id: string;
  template_ids: string[];
  /** The enrollment job, or null for an enrollment done while the request waited. */
  job_id: string | null;
}

export interface AttendanceMarkedEvent {
  organization_id: string;
  record_id: string;
  /** The class session of a session mark (then `record_id` is the mark's id); null for a daily record. */
  session_id: string | null;
  person_id: string;
  /** `YYYY-MM-DD`, the organisation's local day. */
  date: string;
  status: string;
  check_in_at: string | null;
  check_out_at: string | null;
  /** `presence`, `manual`, `class_session`, `self_check_in` or `daily_close`. */
  source: string;
}

export interface VisitorCheckedInEvent {
  organization_id: string;
  visit_id: string;
  visitor_id: string;
  visitor_name: string;
  company: string | null;
  host_employee_id: string | null;
  badge_number: string | null;
  floors: string[];
  towers: string[];
  checked_in_at: string;
}

export interface VisitorWatchlistHitEvent {
  organization_id: string;
  visitor_id: string;
  visitor_name: string;
  /** `identify` (recognised from a desk photo) or `check_in` (a check-in was refused). */
  source: 'identify' | 'check_in';
  /** The desk user who met them. */
  user_id: string;
  at: string;
}

export interface SessionEndedEvent {
  /** `token_expired`, `access_revoked`, or the code an access check now answers (`organization_inactive`, …). */
  reason: string;
  message: string;
}
