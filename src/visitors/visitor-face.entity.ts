import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FaceAngle } from '../faces/face-template.entity.js';

/** One enrolled face of a visitor: searched only in the visitors' gallery, never with employees. */
@Entity('visitor_faces')
export class VisitorFace {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  visitorId: string;

  @Column({ type: 'varchar' })
  angle: FaceAngle;

  /** float32 little-endian, L2-normalised; never leaves the service. */
  @Column({ type: 'bytea' })
  embedding: Buffer;

  @Column()
  modelId: string;

  @Column()
  modelVersion: string;

  @Column({ type: 'real' })
  quality: number;

  @Column({ type: 'uuid', nullable: true })
  photoId: string | null;

  @Column({ type: 'uuid', nullable: true })
  thumbnailId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
