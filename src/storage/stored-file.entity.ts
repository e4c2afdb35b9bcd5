import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type StoredFileKind = 'face_photo' | 'face_thumbnail' | 'attendance_report';

/** Kinds served by `GET /files/:id` (photos); generated documents have routes of their own with their own permission. */
export const PHOTO_FILE_KINDS: readonly StoredFileKind[] = ['face_photo', 'face_thumbnail'];

/** A file kept under DATA_DIR/files; its key is random, so paths cannot be guessed. */
@Entity('stored_files')
export class StoredFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column({ type: 'varchar' })
  kind: StoredFileKind;

  /** Relative path under the storage root, e.g. `<org>/ab/<random>.jpg`. */
  @Column()
  storageKey: string;

  @Column()
  contentType: string;

  @Column()
  bytes: number;

  /** The name a download is offered under (generated documents); null for photos. */
  @Column({ type: 'varchar', nullable: true })
  fileName: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
