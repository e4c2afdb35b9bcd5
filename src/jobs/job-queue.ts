import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TransactionHooks } from '../transactions/transaction-hooks.js';
import type { Job, JobError } from './job.entity.js';
import type { JobRunner } from './job-runner.js';
import type { JobName, JobPayload } from './job-types.js';
import type { JobsRepository } from './jobs.repository.js';

/** Thrown by a handler to fail the job with a stable error code and details (no stack is kept, no retry). */
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
 * Thrown by a handler for an expected failure worth trying again (a webhook receiver that is down): retried like
 * any error while attempts are left, but recorded with its own code and message and logged without a stack.
 */
export class JobRetryLater extends Error {
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

export interface EnqueueOptions {
  organizationId: string | null;
  createdBy: string | null;
  /** While a job with this key (and name) is queued or running, enqueueing again returns that job. */
  idempotencyKey?: string;
}

/** What the queue looks like now, for GET /system/health. */
export interface QueueStatus {
  driver: 'database' | 'bullmq-postgres' | 'bullmq-redis';
  /** Jobs per status, every organisation together. */
  depth: Record<string, number>;
  /** Seconds the longest-waiting queued job has waited; null when none waits. */
  oldestQueuedAgeSeconds: number | null;
  /** Whether this process runs jobs (WORKERS). */
  runsJobs: boolean;
  /** Worker connections the queue sees across instances (BullMQ); null when the driver cannot tell. */
  workersSeen: number | null;
}

/**
 * The one queue interface features use. Handlers are provider methods marked `@OnJob(name)`; a driver runs them.
 * Drivers, side by side in `drivers/`: `DatabaseJobQueue` (the embedded default: jobs in the `jobs` table, run
 * in-process) and `BullmqJobQueue` (with DATABASE_URL: BullMQ on PostgreSQL or Redis, run by any process with
 * WORKERS=true). Under both, each job has its row in `jobs` (JobsRepository), which clients read and which a
 * transaction can cancel.
 */
export abstract class JobQueue {
  private readonly handOvers = new Set<Promise<void>>();

  constructor(
    protected readonly records: JobsRepository,
    protected readonly runner: JobRunner,
    private readonly hooks: TransactionHooks,
  ) {}

  abstract enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions): Promise<Job>;

  /**
   * Queues a job in the caller's transaction (an outbox): its row commits or rolls back with the change, and the
   * job is handed to the runners once the transaction has committed, without holding up the commit. A process that
   * stops in between loses nothing: the row is there, and BullMQ workers sweep queued rows that no queue holds
   * (the embedded runner reads the table itself).
   */
  async enqueueIn<N extends JobName>(
    manager: EntityManager,
    name: N,
    payload: JobPayload<N>,
    options: EnqueueOptions,
  ): Promise<Job> {
    this.runner.assertHandled(name);
    const { job, created } = await this.records.insert(name, payload, options, manager);
    if (created) await this.hooks.afterCommit(manager, () => this.handOverLater(job));
    return job;
  }

  /** The job of the organisation, or null. */
  find(id: string, organizationId: string): Promise<Job | null> {
    return this.records.findInOrganization(id, organizationId);
  }

  /** Jobs per status, every organisation together. */
  depth(): Promise<Record<string, number>> {
    return this.records.countByStatus();
  }

  async status(): Promise<QueueStatus> {
    const [depth, oldest, workersSeen] = await Promise.all([
      this.depth(),
      this.records.oldestQueuedAt(),
      this.workersSeen(),
    ]);
    return {
      driver: this.driver,
      depth,
      oldestQueuedAgeSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
      runsJobs: this.runsJobs,
      workersSeen,
    };
  }

  /** Whether a job of this name was ever queued with this key (a schedule that queues once a day asks). */
  wasQueued(name: JobName, idempotencyKey: string): Promise<boolean> {
    return this.records.existsWithKey(name, idempotencyKey);
  }

  /** Deletes, in the caller's transaction, the organisation's (or, with null, no organisation's) old finished jobs. */
  deleteFinishedBefore(manager: EntityManager, organizationId: string | null, before: Date): Promise<number> {
    return this.records.deleteFinishedBefore(manager, organizationId, before);
  }

  protected abstract readonly driver: QueueStatus['driver'];
  protected abstract readonly runsJobs: boolean;
  protected abstract workersSeen(): Promise<number | null>;

  /** Resolves when the job has finished (or after timeoutMs), with its latest state. */
  abstract waitFor(id: string, timeoutMs: number): Promise<Job>;

  /**
   * Cancels, in the caller's transaction, the queued (not yet started) jobs of a name whose payload contains
   * `match`, and returns their payloads so the caller can release what they hold once it commits.
   */
  abstract cancelQueued<N extends JobName>(
    manager: EntityManager,
    name: N,
    organizationId: string,
    match: Partial<JobPayload<N>>,
    reason: JobError,
  ): Promise<JobPayload<N>[]>;

  /** Runs again a job whose row was just put back to `queued` (see JobsRepository.requeueFailed). */
  abstract requeue(job: Job): Promise<void>;

  /** Gives the runners a job whose row has committed (enqueueIn). */
  protected abstract handOver(job: Job): Promise<void>;

  /** Waits for the hand-overs still under way (a stopping process, before it closes the queue). */
  protected async settleHandOvers(): Promise<void> {
    await Promise.all([...this.handOvers]);
  }

  private handOverLater(job: Job): void {
    const task = this.handOver(job).catch((error: unknown) =>
      new Logger(JobQueue.name).warn(
        `Job ${job.id} (${job.type}) is left to the orphan sweep: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    this.handOvers.add(task);
    void task.finally(() => this.handOvers.delete(task));
  }
}
