import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CameraDirection } from '../cameras/camera.entity.js';

export const REVIEW_STATUSES = ['pending', 'approved', 'rejected', 'not_required'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Why an event was flagged for review. */
export const ANOMALY_REASONS = ['spoof_suspected', 'two_locations', 'outside_shift'] as const;
export type AnomalyReason = (typeof ANOMALY_REASONS)[number];

/** A face box in pixels of the frame. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * One face a camera saw: a person or an unknown face, at a time, with how sure the match and the liveness check
 * were. Repeats of the same face at the same camera within the debounce window update the event (`last_seen_at`,
 * `seen_count`) instead of adding one.
 */
@Entity('presence_events')
export class PresenceEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  /** Null once the camera is deleted; the event stays. */
  @Column({ type: 'uuid', nullable: true })
  cameraId: string | null;

  @Column({ type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  employeeId: string | null;

  /** The camera's direction when the face was seen (`both`: the camera cannot tell entries from exits). */
  @Column({ type: 'varchar' })
  eventType: CameraDirection;

  /** When the face was first seen (the frame's time). */
  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ type: 'integer', default: 1 })
  seenCount: number;

  /** Cosine similarity of the match (best over the repeats), or of the nearest enrolled person for unknown faces. */
  @Column({ type: 'real', nullable: true })
  similarity: number | null;

  /** 0-1 confidence of the match decision (0.5 at the threshold); null for unknown faces. */
  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @Column({ type: 'real' })
  detectionConfidence: number;

  @Column({ default: false })
  livenessChecked: boolean;

  @Column({ type: 'boolean', nullable: true })
  livenessPassed: boolean | null;

  @Column({ type: 'real', nullable: true })
  livenessScore: number | null;

  @Column({ type: 'jsonb' })
  bbox: FaceBox;

  @Column({ type: 'jsonb' })
  quality: Record<string, unknown>;

  /** The face snapshot (a crop of the frame) and its thumbnail, served by GET /files/:id. */
  @Column({ type: 'uuid', nullable: true })
  snapshotFileId: string | null;

  @Column({ type: 'uuid', nullable: true })
  snapshotThumbnailId: string | null;

  @Column({ type: 'real' })
  processingMs: number;

  @Column({ default: false })
  isUnknownFace: boolean;

  /** float32 little-endian embedding of an unknown face, to group its repeats; never leaves the service. */
  @Column({ type: 'bytea', nullable: true, select: false })
  unknownEmbedding: Buffer | null;

  @Column({ default: false })
  isAnomaly: boolean;

  @Column({ type: 'varchar', nullable: true })
  anomalyReason: AnomalyReason | null;

  @Column({ type: 'varchar', default: 'not_required' })
  reviewStatus: ReviewStatus;

  @Column({ type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  reviewNote: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
