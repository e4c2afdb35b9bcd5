import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { JOB_STATUSES, type Job, type JobStatus } from './job.entity.js';
import { JOB_OPTIONS, type JobName } from './job-types.js';

export const JOB_NAMES = Object.keys(JOB_OPTIONS) as JobName[];

export class JobQuery extends PageQuery {
  /** Only jobs in this status (`failed` for the ones to look at). */
  @ApiPropertyOptional({ enum: JOB_STATUSES, enumName: 'JobStatus' })
  @Optional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  /** Only jobs of this type. */
  @ApiPropertyOptional({ enum: JOB_NAMES, enumName: 'JobType' })
  @Optional()
  @IsIn(JOB_NAMES)
  type?: JobName;
}

export class JobErrorDto {
  error: string;
  message: string;
  details?: unknown;
}

export class JobDto {
  id: string;
  type: string;
  @ApiProperty({ enum: JOB_STATUSES, enumName: 'JobStatus' })
  status: string;
  /** The outcome when completed (shape depends on the job type). */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  result: unknown;
  /** Why the job failed or was cancelled: `{ error, message, details? }` with a stable `error` code. */
  error: JobErrorDto | null;
  processing_time_ms: number | null;
  /** Runs started so far (a retry after an unexpected failure, or after its worker stopped, is one more). */
  @ApiProperty({ type: 'integer' })
  attempts: number;
  @ApiProperty({ type: 'integer' })
  max_attempts: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function toJobDto(job: Job): JobDto {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    result: job.result ?? null,
    error: job.error ? { error: job.error.error, message: job.error.message, details: job.error.details } : null,
    processing_time_ms: job.processingTimeMs,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
  };
}
