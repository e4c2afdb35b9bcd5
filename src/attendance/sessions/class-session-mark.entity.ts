import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CLASS_MARK_STATUSES = ['present', 'late', 'absent', 'excused'] as const;
export type ClassMarkStatus = (typeof CLASS_MARK_STATUSES)[number];

/** `photo`: recognised in a class photo; `manual`: set by a person with a reason; `close`: absent at the close. */
export const CLASS_MARK_SOURCES = ['photo', 'manual', 'close'] as const;
export type ClassMarkSource = (typeof CLASS_MARK_SOURCES)[number];

/** A student's attendance of one class session: one row per student per session (unique index in the migration). */
@Entity('class_session_marks')
export class ClassSessionMark {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  sessionId: string;

  @Column('uuid')
  employeeId: string;

  @Column({ type: 'varchar' })
  status: ClassMarkStatus;

  @Column({ type: 'varchar' })
  source: ClassMarkSource;

  /** When the photo was taken (photo marks), or when a person or the close set the mark. */
  @Column({ type: 'timestamptz' })
  markedAt: Date;

  /** Cosine similarity of the face to the student's best template (photo marks). */
  @Column({ type: 'real', nullable: true })
  similarity: number | null;

  /** Why a person set the mark by hand. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The user who uploaded the photo, overrode the mark or closed the session. */
  @Column({ type: 'uuid', nullable: true })
  markedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
