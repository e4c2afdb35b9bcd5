import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AttendanceStatus } from './attendance-rules.js';

export const ATTENDANCE_SOURCES = ['presence', 'manual', 'class_session', 'self_check_in', 'daily_close'] as const;
export type AttendanceSource = (typeof ATTENDANCE_SOURCES)[number];

const decimal = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** One person's attendance on one local day of the organisation. */
@Entity('attendance_records')
export class AttendanceRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  employeeId: string;

  /** The person's department when the record was made (reports group by it). */
  @Column({ type: 'uuid', nullable: true })
  departmentId: string | null;

  /** `YYYY-MM-DD`, the organisation's local day (a night shift's small hours count for the evening before). */
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar' })
  status: AttendanceStatus;

  @Column({ type: 'timestamptz', nullable: true })
  checkInAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  checkOutAt: Date | null;

  /** The latest presence of the day, whatever the camera's direction. */
  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt: Date | null;

  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: decimal })
  workHours: number | null;

  @Column({ type: 'uuid', nullable: true })
  locationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  cameraId: string | null;

  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @Column({ type: 'boolean', nullable: true })
  livenessPassed: boolean | null;

  @Column({ type: 'varchar' })
  source: AttendanceSource;

  /** Why a person marked or corrected the record by hand. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  correctedBy: string | null;

  /** Set by the daily close; a closed record still takes corrections. */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
