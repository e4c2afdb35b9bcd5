import { Column, CreateDateColumn, DeleteDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type EmployeeKind = 'employee' | 'student';

export interface EmergencyContact {
  name?: string;
  phone?: string;
  relation?: string;
}

/** A person who attends: an employee or a student of one organisation. */
@Entity('employees')
export class Employee {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  /** Unique in the organisation; generated as `{DEPT}-{YEAR}-{SEQ}` when not given. */
  @Column()
  code: string;

  @Column()
  firstName: string;

  @Column({ type: 'text', default: '' })
  lastName: string;

  @Column({ type: 'varchar', default: 'employee' })
  kind: EmployeeKind;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  gender: string | null;

  @Column({ type: 'date', nullable: true })
  dateOfBirth: string | null;

  @Column({ type: 'uuid', nullable: true })
  departmentId: string | null;

  @Column({ type: 'uuid', nullable: true })
  shiftId: string | null;

  @Column({ type: 'text', nullable: true })
  designation: string | null;

  @Column({ type: 'text', nullable: true })
  employmentType: string | null;

  @Column({ type: 'date', nullable: true })
  joiningDate: string | null;

  @Column({ type: 'text', nullable: true })
  address: string | null;

  @Column({ type: 'jsonb', nullable: true })
  emergencyContact: EmergencyContact | null;

  /** The person's own login, for self-service. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'jsonb', default: {} })
  metadata: Record<string, unknown>;

  @Column({ default: true })
  isActive: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** How many face templates the person has, kept by the faces feature (see EmployeesService.recordEnrollment). */
  @Column({ type: 'integer', default: 0 })
  faceTemplates: number;

  /** The distinct angles of those templates, sorted. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  faceAngles: string[];

  /** The thumbnail of the primary face template (a stored file), kept with the enrollment summary. */
  @Column({ type: 'uuid', nullable: true })
  primaryThumbnailId: string | null;

  @DeleteDateColumn({ type: 'timestamptz', nullable: true })
  deletedAt: Date | null;

  get fullName(): string {
    return [this.firstName, this.lastName].filter(Boolean).join(' ');
  }
}
