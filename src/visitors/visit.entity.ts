import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const VISIT_STATUSES = ['expected', 'checked_in', 'checked_out', 'cancelled'] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** One visit: pre-registered (`expected`), on site (`checked_in`), over (`checked_out`) or `cancelled`. */
@Entity('visits')
export class Visit {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  /** null once the visitor was erased: the visit stays, without the person. */
  @Column({ type: 'uuid', nullable: true })
  visitorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  hostEmployeeId: string | null;

  @Column({ type: 'text', nullable: true })
  purpose: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  floors: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  towers: string[];

  @Column({ type: 'varchar' })
  status: VisitStatus;

  @Column({ type: 'timestamptz', nullable: true })
  expectedFrom: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expectedTo: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  checkedInAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  checkedOutAt: Date | null;

  @Column({ type: 'varchar', nullable: true })
  badgeNumber: string | null;

  /** SHA-256 (hex) of the one-time check-in code of an expected visit; cleared once used. */
  @Column({ type: 'varchar', nullable: true })
  codeHash: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
