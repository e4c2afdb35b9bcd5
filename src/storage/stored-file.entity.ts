import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type StoredFileKind = 'face_photo' | 'face_thumbnail';

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

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
