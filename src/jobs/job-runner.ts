import { Injectable, Logger } from '@nestjs/common';
import type { Job, JobError } from './job.entity.js';
import { JobHandlers } from './job-handlers.js';
import { JobCancelled, JobFailure, JobRetryLater } from './job-queue.js';
import type { JobName } from './job-types.js';
import { type JobOutcome, JobsRepository } from './jobs.repository.js';

/** Whether a run that throws unexpectedly may be tried again, and when (null: the queue decides). */
export interface RetryPlan {
  attemptsLeft: boolean;
  runAfter: Date | null;
}

/**
 * Runs a claimed job's handler and writes the outcome to its row, the same way under every driver: a JobFailure
 * ends the job `failed` (no retry), a JobCancelled ends it `cancelled`, anything else is queued again while attempts
 * are left and fails it after the last.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);

  constructor(
    private readonly records: JobsRepository,
    private readonly handlers: JobHandlers,
  ) {}

  /** Finds the handlers (start-up fails when one is missing or doubled). */
  discover(): void {
    this.handlers.discover();
  }

  /** Refuses to queue a job no process could run. */
  assertHandled(name: JobName): void {
    if (!this.handlers.has(name)) throw new Error(`No handler for job ${name}`);
  }

  /** Runs the job and writes its outcome to the row; the outcome tells the driver what is left to do. */
  async run(job: Job, retry: RetryPlan): Promise<JobOutcome> {
    const started = Date.now();
    let outcome: JobOutcome;
    try {
      const handler = this.handlers.get(job.type);
      if (!handler) throw new JobFailure('unknown_job_type', `No handler for job type ${job.type}`);
      const result = ((await handler(job.payload, job.id)) ?? null) as Record<string, unknown> | null;
      outcome = { status: 'completed', result };
    } catch (error) {
      outcome = this.failure(job, error, retry);
    }
    await this.records.finish(job.id, outcome, Date.now() - started);
    return outcome;
  }

  private failure(job: Job, error: unknown, retry: RetryPlan): JobOutcome {
    if (error instanceof JobFailure) {
      const status = error instanceof JobCancelled ? 'cancelled' : 'failed';
      return { status, error: { error: error.code, message: error.message, details: error.details } };
    }
    let recorded: JobError;
    if (error instanceof JobRetryLater) {
      this.logger.warn(`Job ${job.id} (${job.type}) attempt ${job.attempts} failed: ${error.message}`);
      recorded = { error: error.code, message: error.message, details: error.details };
    } else {
      this.logger.error(`Job ${job.id} (${job.type}) failed`, error instanceof Error ? error.stack : String(error));
      recorded = { error: 'internal_error', message: 'The job failed unexpectedly' };
    }
    return retry.attemptsLeft
      ? { status: 'queued', error: recorded, runAfter: retry.runAfter }
      : { status: 'failed', error: recorded };
  }
}
