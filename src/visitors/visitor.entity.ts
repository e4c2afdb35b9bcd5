import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Someone who visits an organisation. The ID number is kept sealed (AES-256-GCM) and found by keyed hashes of the
 * whole number and of its prefixes, so neither lookup nor suggest decrypts anything (see visitor-id-numbers.ts).
 */
@Entity('visitors')
export class Visitor {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column({ type: 'text' })
  idNumberSealed: string;

  /** HMAC-SHA256 (hex) of the normalised number; unique in the organisation. */
  @Column()
  idNumberHash: string;

  /** HMACs of the normalised number's prefixes of 4 characters and more, for the desk's autocomplete. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  idNumberPrefixHashes: string[];

  @Column()
  idNumberLast4: string;

  @Column({ default: 'national_id' })
  idType: string;

  @Column()
  fullName: string;

  @Column({ type: 'varchar', nullable: true })
  gender: string | null;

  @Column({ type: 'varchar', nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', nullable: true })
  email: string | null;

  @Column({ type: 'varchar', nullable: true })
  company: string | null;

  @Column({ type: 'text', nullable: true })
  purposeOfVisit: string | null;

  @Column({ type: 'uuid', nullable: true })
  hostEmployeeId: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  floors: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  towers: string[];

  @Column({ type: 'timestamptz', nullable: true })
  durationFrom: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  durationTo: Date | null;

  @Column({ type: 'text', nullable: true })
  notes: string | null;

  @Column({ default: false })
  isWatchlisted: boolean;

  @Column({ type: 'text', nullable: true })
  watchlistReason: string | null;

  /** How many face templates the visitor has (kept by VisitorPhotos and the retention job). */
  @Column({ type: 'integer', default: 0 })
  faceTemplates: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastVisitAt: Date | null;

  /** When the retention job erased the visitor's faces and photos; null while they have any (or never had). */
  @Column({ type: 'timestamptz', nullable: true })
  facesErasedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
