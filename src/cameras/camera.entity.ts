import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CAMERA_DIRECTIONS = ['in', 'out', 'both'] as const;
export type CameraDirection = (typeof CAMERA_DIRECTIONS)[number];

export const CAMERA_SOURCE_TYPES = ['rtsp', 'http', 'usb', 'kiosk'] as const;
export type CameraSourceType = (typeof CAMERA_SOURCE_TYPES)[number];

export type CameraStatus = 'online' | 'offline';

const bigintNumber = { to: (value: number) => value, from: (value: string | number) => Number(value) };

@Entity('cameras')
export class Camera {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column({ type: 'uuid', nullable: true })
  locationId: string | null;

  @Column()
  name: string;

  @Column({ type: 'varchar', default: 'both' })
  direction: CameraDirection;

  @Column({ type: 'varchar', default: 'http' })
  sourceType: CameraSourceType;

  /** The stream URL without credentials (they live sealed in `sealedCredentials`). */
  @Column({ type: 'text', nullable: true })
  sourceUrl: string | null;

  /** Username, password and URL credentials, sealed with AES-256-GCM; never returned. */
  @Column({ type: 'text', nullable: true })
  sealedCredentials: string | null;

  @Column({ type: 'integer', nullable: true })
  fps: number | null;

  @Column({ type: 'varchar', nullable: true })
  resolution: string | null;

  /** Overrides the organisation's match threshold for this camera. */
  @Column({ type: 'real', nullable: true })
  confidenceThreshold: number | null;

  /** Smallest face side (pixels) identified in this camera's frames; null: PRESENCE_MIN_FACE_SIZE. */
  @Column({ type: 'integer', nullable: true })
  minFaceSize: number | null;

  @Column({ default: false })
  livenessCheckEnabled: boolean;

  @Column({ default: true })
  isActive: boolean;

  /** The last status announced (`camera.status`); the live status is computed from the last contact. */
  @Column({ type: 'varchar', default: 'offline' })
  status: CameraStatus;

  @Column({ type: 'timestamptz', nullable: true })
  lastHeartbeatAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastFrameAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastErrorAt: Date | null;

  @Column({ type: 'bigint', default: 0, transformer: bigintNumber })
  framesProcessed: number;

  @Column({ type: 'bigint', default: 0, transformer: bigintNumber })
  facesProcessed: number;

  @Column({ type: 'integer', default: 0 })
  errorCount: number;

  @Column({ type: 'double precision', default: 0 })
  processingMsTotal: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
