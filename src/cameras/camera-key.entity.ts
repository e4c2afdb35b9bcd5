import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A device API key of one camera: shown once, stored as a hash, found by that hash. */
@Entity('camera_keys')
export class CameraKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  cameraId: string;

  @Column('uuid')
  organizationId: string;

  /** The first characters of the key, shown in lists so people can tell keys apart. */
  @Column()
  prefix: string;

  @Column()
  keyHash: string;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
