import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { FINISHED_JOB_STATUSES, Job, type JobError } from './job.entity.js';

/** A job type's work: gets the payload, returns the result (stored as JSON) or throws. */
export type JobHandler = (payload: Record<string, unknown>, job: Job) => Promise<unknown>;

/** Thrown by a handler to fail the job with a stable error code and details (no stack is kept). */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * Thrown by a handler to end the job as `cancelled` instead of `failed`: the work no longer applies (its person
 * was deleted) and nothing was stored. Same `{ error, message }` shape as a failure.
 */
export class JobCancelled extends JobFailure {}

/** Names of the job types, one handler each. */
export const JobType = {
  EnrolFaces: 'faces.enrol',
  ReindexTemplates: 'faces.reindex',
} as const;

const MAX_RUNNING = 1;

/**
 * Jobs kept in PostgreSQL and run in this process (the embedded default). A job is written before it is run,
 * so jobs queued or running when the process stopped are run again at the next start.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobQueue.name);
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pending: string[] = [];
  private readonly finished = new Map<string, (() => void)[]>();
  private running = 0;
  private stopped = false;

  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  register(type: string, handler: JobHandler): void {
    this.handlers.set(type, handler);
  }

  async onApplicationBootstrap(): Promise<void> {
    const unfinished = await this.jobs.find({
      where: { status: In(['queued', 'running']) },
      order: { createdAt: 'ASC' },
      select: { id: true },
    });
    for (const { id } of unfinished) this.schedule(id);
  }

  onModuleDestroy(): void {
    this.stopped = true;
  }

  async enqueue(
    type: string,
    organizationId: string | null,
    payload: Record<string, unknown>,
    createdBy: string | null,
  ): Promise<Job> {
    if (!this.handlers.has(type)) throw new Error(`No handler for job type ${type}`);
    const job = await this.jobs.save(Object.assign(new Job(), { type, organizationId, payload, createdBy }));
    this.schedule(job.id);
    return job;
  }

  find(id: string, organizationId: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id, organizationId });
  }

  /**
   * Cancels, in the caller's transaction, the queued (not yet started) jobs of a type whose payload contains
   * `match`, and returns their payloads so the caller can release what they hold once it commits. A job already
   * running is left alone: its handler has to notice by itself (see `run`, which never starts a cancelled job).
   */
  async cancelQueued(
    manager: EntityManager,
    type: string,
    organizationId: string,
    match: Record<string, unknown>,
    reason: JobError,
  ): Promise<Record<string, unknown>[]> {
    const cancelled = await manager
      .createQueryBuilder()
      .update(Job)
      .set({ status: 'cancelled', error: () => 'CAST(:reason AS jsonb)', finishedAt: () => 'now()' })
      .where('type = :type AND organization_id = :organizationId AND status = :queued', {
        type,
        organizationId,
        queued: 'queued',
        reason: JSON.stringify(reason),
      })
      .andWhere('payload @> CAST(:match AS jsonb)', { match: JSON.stringify(match) })
      .returning(['payload'])
      .execute();
    return (cancelled.raw as { payload: Record<string, unknown> }[]).map((row) => row.payload);
  }

  /** Resolves when the job has finished (or after timeoutMs), with its latest row. */
  async waitFor(id: string, timeoutMs: number): Promise<Job> {
    const current = await this.jobs.findOneByOrFail({ id });
    if (FINISHED_JOB_STATUSES.includes(current.status)) return current;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const waiters = this.finished.get(id) ?? [];
      waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.finished.set(id, waiters);
    });
    return this.jobs.findOneByOrFail({ id });
  }

  private schedule(id: string): void {
    this.pending.push(id);
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.running < MAX_RUNNING && this.pending.length > 0) {
      const id = this.pending.shift()!;
      this.running += 1;
      try {
        await this.run(id);
      } catch (error) {
        this.logger.error(`Job ${id} could not be run: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.running -= 1;
        for (const notify of this.finished.get(id) ?? []) notify();
        this.finished.delete(id);
      }
    }
  }

  private async run(id: string): Promise<void> {
    const started = Date.now();
    // Claimed by a conditional update rather than read-then-save: a job cancelled after it was scheduled (see
    // cancelQueued) must never start, and this row lock orders the claim against the cancelling transaction.
    const claim = await this.jobs.update(
      { id, status: In(['queued', 'running']) },
      { status: 'running', startedAt: new Date() },
    );
    if (!claim.affected) return;
    const job = await this.jobs.findOneByOrFail({ id });
    const handler = this.handlers.get(job.type);
    try {
      if (!handler) throw new JobFailure('unknown_job_type', `No handler for job type ${job.type}`);
      job.result = ((await handler(job.payload, job)) ?? null) as Record<string, unknown> | null;
      job.status = 'completed';
    } catch (error) {
      if (!(error instanceof JobFailure)) {
        this.logger.error(`Job ${id} (${job.type}) failed`, error instanceof Error ? error.stack : String(error));
      }
      job.error =
        error instanceof JobFailure
          ? { error: error.code, message: error.message, details: error.details }
          : { error: 'internal_error', message: 'The job failed unexpectedly' };
      job.status = error instanceof JobCancelled ? 'cancelled' : 'failed';
    }
    job.finishedAt = new Date();
    job.processingTimeMs = Date.now() - started;
    await this.jobs.save(job);
  }
}
