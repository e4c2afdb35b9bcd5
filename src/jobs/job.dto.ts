import { ApiProperty } from '@nestjs/swagger';
import { JOB_STATUSES, type Job } from './job.entity.js';

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
    created_at: job.createdAt,
    started_at: job.startedAt,
    finished_at: job.finishedAt,
  };
}
