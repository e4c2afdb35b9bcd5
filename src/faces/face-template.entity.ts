import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const FACE_ANGLES = ['front', 'left', 'right', 'angled_left', 'angled_right', 'other'] as const;
export type FaceAngle = (typeof FACE_ANGLES)[number];

/** One enrolled face of a person: the embedding, the model that made it, its quality and its photo. */
@Entity('face_templates')
export class FaceTemplate {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  employeeId: string;

  @Column({ type: 'varchar', default: 'front' })
  angle: FaceAngle;

  /** float32 little-endian, L2-normalised; never leaves the service. */
  @Column({ type: 'bytea' })
  embedding: Buffer;

  @Column()
  modelId: string;

  @Column()
  modelVersion: string;

  @Column({ type: 'real' })
  qualityScore: number;

  @Column({ type: 'jsonb' })
  quality: Record<string, unknown>;

  @Column({ type: 'real', nullable: true })
  livenessScore: number | null;

  @Column({ default: false })
  isPrimary: boolean;

  @Column({ type: 'uuid', nullable: true })
  photoId: string | null;

  @Column({ type: 'uuid', nullable: true })
  thumbnailId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

export function embeddingToBytes(embedding: Float32Array): Buffer {
  return Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength);
}

export function bytesToEmbedding(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
