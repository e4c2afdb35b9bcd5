import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { toBoolean } from '../common/transforms.js';
import { PersonIdentityDto } from '../employees/employee-response.dto.js';
import { ANOMALY_REASONS, type PresenceEvent, REVIEW_STATUSES } from './presence-event.entity.js';
import type { FileUrls } from '../storage/file-urls.js';
import { QueryTime } from '../common/date-query.js';

export const PRESENCE_EVENT_ORDERINGS = [
  'occurred_at',
  '-occurred_at',
  'last_seen_at',
  '-last_seen_at',
  'similarity',
  '-similarity',
  'seen_count',
  '-seen_count',
] as const;
export type PresenceEventOrdering = (typeof PRESENCE_EVENT_ORDERINGS)[number];

export class PresenceEventQuery extends PageQuery {
  @Optional()
  @IsUUID()
  camera_id?: string;

  @Optional()
  @IsUUID()
  employee_id?: string;

  @Optional()
  @IsUUID()
  location_id?: string;

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_unknown_face?: boolean;

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_anomaly?: boolean;

  @ApiProperty({ enum: REVIEW_STATUSES, enumName: 'ReviewStatus', required: false })
  @Optional()
  @IsIn(REVIEW_STATUSES)
  review_status?: (typeof REVIEW_STATUSES)[number];

  @QueryTime('from', 'Events first seen at or after this time (ISO 8601 day or date-time; a bare day from 00:00 UTC).')
  date_from?: Date;

  @QueryTime('to', 'Events first seen at or before this time (ISO 8601; a bare day includes the whole day, UTC).')
  date_to?: Date;

  /** Sort field, `-` for descending (default `-occurred_at`: newest first). */
  @ApiProperty({ enum: PRESENCE_EVENT_ORDERINGS, enumName: 'PresenceEventOrdering', required: false })
  @Optional()
  @IsIn(PRESENCE_EVENT_ORDERINGS)
  ordering: PresenceEventOrdering = '-occurred_at';
}

export const REVIEW_ACTIONS = ['approve', 'reject', 'assign'] as const;

export class ReviewPresenceEventDto {
  /** `approve` or `reject` the event as seen, or `assign` it to a person (an unknown face or a wrong match). */
  @ApiProperty({ enum: REVIEW_ACTIONS, enumName: 'PresenceReviewAction' })
  @IsIn(REVIEW_ACTIONS)
  action: (typeof REVIEW_ACTIONS)[number];

  /** The person of the organisation the face is (with `assign` only). */
  @ValidateIf((input: ReviewPresenceEventDto) => input.action === 'assign' || input.employee_id !== undefined)
  @IsUUID()
  employee_id?: string;

  /** With `assign`: also enroll the event's face snapshot as a face template of the person (a queued job). */
  @Optional()
  @IsBoolean()
  add_template?: boolean;

  @Optional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class PresenceLivenessDto {
  checked: boolean;
  passed: boolean | null;
  score: number | null;
}

export class PresenceBoxDto {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class PresenceEventDto {
  id: string;
  camera_id: string | null;
  location_id: string | null;
  employee_id: string | null;
  /** Who the person is (null for unknown faces and people deleted since). */
  person: PersonIdentityDto | null;
  @ApiProperty({ enum: ['in', 'out', 'both'], enumName: 'PresenceEventType' })
  event_type: string;
  occurred_at: Date;
  last_seen_at: Date;
  seen_count: number;
  similarity: number | null;
  confidence: number | null;
  detection_confidence: number;
  liveness: PresenceLivenessDto;
  bbox: PresenceBoxDto;
  @ApiProperty({ type: 'object', additionalProperties: true })
  quality: Record<string, unknown>;
  /** GET /api/v1/files/{id} (with a token): the face cut from the frame, and its thumbnail. */
  snapshot_file_id: string | null;
  snapshot_thumbnail_id: string | null;
  /** Signed URLs of the same (no token needed; they expire, see docs/api.md). */
  snapshot_url: string | null;
  thumbnail_url: string | null;
  processing_ms: number;
  is_unknown_face: boolean;
  is_anomaly: boolean;
  @ApiProperty({ enum: ANOMALY_REASONS, enumName: 'AnomalyReason', nullable: true })
  anomaly_reason: string | null;
  @ApiProperty({ enum: REVIEW_STATUSES, enumName: 'ReviewStatus' })
  review_status: string;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  created_at: Date;
}

export class EnrollmentJobRefDto {
  job_id: string;
  status: string;
}

export class ReviewedPresenceEventDto extends PresenceEventDto {
  /** The enrollment job of the snapshot (with `add_template`), to poll at GET /jobs/{id}. */
  enrollment: EnrollmentJobRefDto | null;
}

export function toPresenceEventDto(
  event: PresenceEvent,
  person: PersonIdentityDto | null,
  urls: FileUrls,
): PresenceEventDto {
  return {
    id: event.id,
    camera_id: event.cameraId,
    location_id: event.locationId,
    employee_id: event.employeeId,
    person,
    event_type: event.eventType,
    occurred_at: event.occurredAt,
    last_seen_at: event.lastSeenAt,
    seen_count: event.seenCount,
    similarity: event.similarity,
    confidence: event.confidence,
    detection_confidence: event.detectionConfidence,
    liveness: { checked: event.livenessChecked, passed: event.livenessPassed, score: event.livenessScore },
    bbox: event.bbox,
    quality: event.quality,
    snapshot_file_id: event.snapshotFileId,
    snapshot_thumbnail_id: event.snapshotThumbnailId,
    snapshot_url: urls.signOptional(event.organizationId, event.snapshotFileId),
    thumbnail_url: urls.signOptional(event.organizationId, event.snapshotThumbnailId),
    processing_ms: event.processingMs,
    is_unknown_face: event.isUnknownFace,
    is_anomaly: event.isAnomaly,
    anomaly_reason: event.anomalyReason,
    review_status: event.reviewStatus,
    reviewed_by: event.reviewedBy,
    reviewed_at: event.reviewedAt,
    review_note: event.reviewNote,
    created_at: event.createdAt,
  };
}
