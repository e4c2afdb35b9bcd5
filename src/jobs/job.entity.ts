import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Stored as JSON; `details` is whatever the failure carried. */
export interface JobError {
  [key: string]: unknown;
  error: string;
  message: string;
}

/** `cancelled`: the job was called off before it could store anything (e.g. its person was deleted). */
export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** A unit of background work and its outcome; clients poll it with GET /jobs/:id. */
@Entity('jobs')
export class Job {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @Column()
  type: string;

  @Column({ type: 'varchar', default: 'queued' })
  status: JobStatus;

  @Column({ type: 'jsonb', default: {} })
  payload: Record<string, unknown>;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  error: JobError | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'integer', nullable: true })
  processingTimeMs: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** Runs started so far, and how many are allowed (retries with back-off until then). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'integer', default: 1 })
  maxAttempts: number;

  /** Not run before this time (a retry's back-off). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  runAfter: Date;

  /** While running: the runner's lease; a job whose lease ran out is taken over by another runner. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** At most one queued or running job per (type, key). */
  @Column({ type: 'varchar', nullable: true })
  idempotencyKey: string | null;
}
