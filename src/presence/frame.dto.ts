import { ApiProperty } from '@nestjs/swagger';
import { buildMessage, isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';
import { Optional } from '../common/optional.js';
import { IdentifiedPersonDto } from '../faces/identification.dto.js';
import { FaceQualityDto, toDetectedFaceDto } from '../recognition/recognition.dto.js';
import type { FileUrls } from '../storage/file-urls.js';
import { PresenceBoxDto } from './presence-event.dto.js';
import { ANOMALY_REASONS, REVIEW_STATUSES } from './presence-event.entity.js';
import type { RecordedFace } from './seen-face.js';
import { toFaceBox } from './seen-face.js';

/** How far ahead of the server's clock a device's frame time may be. */
export const MAX_FRAME_CLOCK_SKEW_MS = 60_000;

/** An ISO 8601 date-time with a time zone, no more than a minute in the future. */
function IsFrameTime(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFrameTime',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          isISO8601(value, { strict: true }) &&
          /(Z|[+-]\d{2}:?\d{2})$/i.test(value) &&
          Date.parse(value) <= Date.now() + MAX_FRAME_CLOCK_SKEW_MS &&
          new Date(value).getUTCFullYear() >= 2000,
        defaultMessage: buildMessage(
          (each) =>
            `${each}$property must be an ISO 8601 date-time with a time zone, after 2000 and not more than a minute in the future`,
          options,
        ),
      },
    },
    options,
  );
}

export class PostFrameDto {
  /** When the device took the frame (ISO 8601 with a time zone); default: when it was received. */
  @Optional()
  @IsFrameTime()
  frame_time?: string;
}

export class FrameLivenessDto {
  passed: boolean;
  score: number;
}

export class FrameDetectionDto {
  /** The presence event this face became or repeated. */
  event_id: string;
  /** False when the face repeated an event within the debounce window (its `seen_count` went up). */
  is_new_event: boolean;
  seen_count: number;
  @ApiProperty({ enum: ['in', 'out', 'both'], enumName: 'PresenceEventType' })
  event_type: string;
  /** Pixels of the frame. */
  bbox: PresenceBoxDto;
  detection_confidence: number;
  matched: boolean;
  person: IdentifiedPersonDto | null;
  person_id: string | null;
  person_name: string | null;
  person_code: string | null;
  /** `employee`, `student`, or `unknown`. */
  kind: string;
  /** Cosine similarity of the match (of the nearest enrolled person for an unknown face); null with nobody enrolled. */
  match_confidence: number | null;
  /** 0-1 confidence of the match decision (0.5 at the threshold); null when unmatched. */
  confidence: number | null;
  liveness: FrameLivenessDto | null;
  quality: FaceQualityDto;
  is_unknown_face: boolean;
  is_anomaly: boolean;
  @ApiProperty({ enum: ANOMALY_REASONS, enumName: 'AnomalyReason', nullable: true })
  anomaly_reason: string | null;
  @ApiProperty({ enum: REVIEW_STATUSES, enumName: 'ReviewStatus' })
  review_status: string;
  /** Signed URL (no token needed; expires) of the thumbnail of the event's face snapshot. */
  thumbnail_url: string | null;
  models_used: string[];
}

export class FrameResponseDto {
  camera_id: string;
  /** The frame's time as the device gave it, or when it was received. */
  frame_time: string;
  processing_ms: number;
  detections: FrameDetectionDto[];
}

const round4 = (value: number) => Math.round(value * 10000) / 10000;

export function toFrameDetectionDto(
  { seen, event, created }: RecordedFace,
  modelsUsed: string[],
  urls: FileUrls,
): FrameDetectionDto {
  const { face, match } = seen;
  const person = match.person;
  return {
    event_id: event.id,
    is_new_event: created,
    seen_count: event.seenCount,
    event_type: event.eventType,
    bbox: toFaceBox(face.bbox),
    detection_confidence: round4(face.confidence),
    matched: person !== null,
    person,
    person_id: person?.id ?? null,
    person_name: person?.full_name ?? null,
    person_code: person?.code ?? null,
    kind: person?.kind ?? 'unknown',
    match_confidence: match.decision?.similarity ?? match.bestSimilarity,
    confidence: match.decision?.confidence ?? null,
    liveness: face.liveness ? { passed: face.liveness.is_live, score: round4(face.liveness.score) } : null,
    quality: toDetectedFaceDto(face).quality,
    is_unknown_face: event.isUnknownFace,
    is_anomaly: event.isAnomaly,
    anomaly_reason: event.anomalyReason,
    review_status: event.reviewStatus,
    thumbnail_url: urls.signOptional(event.organizationId, event.snapshotThumbnailId),
    models_used: modelsUsed,
  };
}
