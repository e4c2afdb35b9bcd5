import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Job as BullJob, type Queue, type QueueEvents, UnrecoverableError, type Worker } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { TransactionHooks } from '../../transactions/transaction-hooks.js';
import { FINISHED_JOB_STATUSES, type Job, type JobError } from '../job.entity.js';
import { JobQueue, type EnqueueOptions } from '../job-queue.js';
import type { JobRunner } from '../job-runner.js';
import { type BackoffOf, backoffOf, JOB_OPTIONS, type JobName, type JobPayload } from '../job-types.js';
import type { JobsRepository } from '../jobs.repository.js';
import { type BullmqStore, QUEUE_NAME } from './bullmq-connection.js';

/** How often waitFor reads the row when no event came (the event may have come from a lost connection). */
const POLL_MS = 1000;
/**
 * Queued rows older than this with no BullMQ job (a process died between the row's commit and its hand-over) are
 * handed over again; workers look for them at start and then at this interval.
 */
const ORPHAN_AFTER_MS = 60_000;
/** Finished BullMQ jobs are kept this long (the `jobs` rows stay: they are what clients read). */
const KEEP_COMPLETED = { age: 24 * 3600, count: 1000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

export interface BullmqSettings {
  store: BullmqStore;
  /** Whether this process runs jobs (WORKERS); an API with WORKERS=false only queues them. */
  workers: boolean;
  concurrency: number;
  lockMs: number;
  /** The wait before a job's first retry; default JOB_OPTIONS'. */
  backoffMs?: BackoffOf;
  /** Age of a queued row without a BullMQ job before the sweep hands it over, and the sweep's interval. */
  orphanAfterMs?: number;
}

/**
 * Jobs on BullMQ (bullmq's PostgreSQL backend, or Redis): one queue whose job names are JOB_OPTIONS' names and
 * whose BullMQ job id is the `jobs` row's id, so adding a job twice (a retried enqueue, the orphan sweep) adds it
 * once. BullMQ delivers each job to one worker of any process, retries it with exponential back-off from
 * JOB_OPTIONS, and hands a job whose worker died (its lock ran out) to another. Before running, the worker claims
 * the row: a job cancelled in a transaction (cancelQueued) or already finished is skipped, never run.
 */
export class BullmqJobQueue
  extends JobQueue
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(BullmqJobQueue.name);
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private events: QueueEvents | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private readonly waiters = new Map<string, Set<() => void>>();
  /** The errors process() threw after the run had written its outcome to the row. */
  private readonly recordedFailures = new WeakSet<Error>();
  private closed = false;
  protected readonly driver: 'bullmq-postgres' | 'bullmq-redis';
  protected readonly runsJobs: boolean;

  constructor(
    records: JobsRepository,
    runner: JobRunner,
    hooks: TransactionHooks,
    private readonly settings: BullmqSettings,
  ) {
    super(records, runner, hooks);
    this.driver = settings.store.kind === 'redis' ? 'bullmq-redis' : 'bullmq-postgres';
    this.runsJobs = settings.workers;
    const { classes, options } = settings.store;
    this.queue = new classes.Queue(QUEUE_NAME, options) as unknown as Queue;
    this.queue.on('error', (error: Error) => this.logger.warn(`Queue: ${error.message}`));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.runner.discover();
    await this.queue.waitUntilReady();
    if (!this.settings.workers) return;
    await this.requeueOrphans();
    const { classes, options } = this.settings.store;
    this.worker = new classes.Worker(QUEUE_NAME, (job: BullJob) => this.process(job), {
      ...options,
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockMs,
      stalledInterval: this.settings.lockMs,
    }) as unknown as Worker;
    this.worker.on('error', (error: Error) => this.logger.warn(`Worker: ${error.message}`));
    this.worker.on('failed', (job: BullJob | undefined, error: Error) => void (job && this.failedByQueue(job, error)));
    await this.worker.waitUntilReady();
    this.sweep = setInterval(() => void this.requeueOrphans(), this.orphanAfterMs);
    this.sweep.unref();
  }

  /** Hands over the jobs committed last, takes no new job and waits for the running ones (the database is open). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    await this.settleHandOvers();
    await this.worker?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    await this.worker?.close();
    await this.events?.close();
    await this.queue.close();
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions): Promise<Job> {
    this.runner.assertHandled(name);
    const { job, created } = await this.records.insert(name, payload, options);
    if (!created) return job;
    try {
      await this.add(job);
    } catch (error) {
      await this.records.remove(job.id);
      throw error;
    }
    return job;
  }

  async waitFor(id: string, timeoutMs: number): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    await this.listen();
    for (;;) {
      // Listen before reading, so a job finishing in between is not missed.
      let notify!: () => void;
      const finished = new Promise<void>((resolve) => (notify = resolve));
      const set = this.waiters.get(id) ?? new Set();
      set.add(notify);
      this.waiters.set(id, set);
      try {
        const job = await this.records.findById(id);
        if (!job) throw new Error(`Job ${id} does not exist`);
        const left = deadline - Date.now();
        if (FINISHED_JOB_STATUSES.includes(job.status) || left <= 0) return job;
        await Promise.race([finished, delay(Math.min(left, POLL_MS))]);
      } finally {
        set.delete(notify);
        if (set.size === 0) this.waiters.delete(id);
      }
    }
  }

  /** Cancels the rows in the caller's transaction: their BullMQ jobs, when delivered, find them cancelled. */
  async cancelQueued<N extends JobName>(
    manager: EntityManager,
    name: N,
    organizationId: string,
    match: Partial<JobPayload<N>>,
    reason: JobError,
  ): Promise<JobPayload<N>[]> {
    const rows = await this.records.cancelQueued(manager, name, organizationId, match, reason);
    return rows.map((row) => row.payload);
  }

  /** Hands BullMQ the job again: its failed BullMQ job is retried with all its attempts, or added anew if gone. */
  async requeue(job: Job): Promise<void> {
    const queued = await this.queue.getJob(job.id);
    const state = queued ? await queued.getState() : 'unknown';
    if (queued && (state === 'failed' || state === 'completed')) {
      await queued.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else if (!queued || state === 'unknown') {
      await this.add(job);
    }
  }

  /** Workers of every instance connected to the queue, as BullMQ sees them; null when the backend cannot tell. */
  protected async workersSeen(): Promise<number | null> {
    try {
      return await this.queue.getWorkersCount();
    } catch {
      return null;
    }
  }

  protected async handOver(job: Job): Promise<void> {
    await this.add(job);
  }

  private get orphanAfterMs(): number {
    return this.settings.orphanAfterMs ?? ORPHAN_AFTER_MS;
  }

  private add(job: Pick<Job, 'id' | 'type'>): Promise<unknown> {
    const options = JOB_OPTIONS[job.type as JobName];
    return this.queue.add(
      job.type,
      {},
      {
        jobId: job.id,
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: (this.settings.backoffMs ?? backoffOf())(job.type as JobName) },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    );
  }

  /** One delivery of a job: claim its row, run it, and tell BullMQ whether to retry. */
  private async process(delivery: BullJob): Promise<void> {
    const job = await this.records.claim(delivery.id!);
    if (!job) return; // cancelled, or finished by an earlier delivery: nothing to run
    try {
      const attempts = delivery.opts.attempts ?? 1;
      const outcome = await this.runner.run(job, {
        attemptsLeft: delivery.attemptsMade + 1 < attempts,
        runAfter: null,
      });
      if (outcome.status !== 'failed' && outcome.status !== 'queued') return;
      // The run wrote its outcome to the row; this error only tells BullMQ whether to retry.
      const error =
        outcome.status === 'failed' ? new UnrecoverableError(outcome.error.error) : new Error(outcome.error.message);
      this.recordedFailures.add(error);
      throw error;
    } finally {
      this.notify(job.id);
    }
  }

  /**
   * A job BullMQ failed without our run ending it (it stalled too often, or its row could not be claimed): its row
   * says so too. A failure our run recorded is left alone: its row may have been put back in the queue since.
   */
  private async failedByQueue(delivery: BullJob, error: Error): Promise<void> {
    if (this.recordedFailures.has(error)) return;
    try {
      if ((await delivery.getState()) !== 'failed') return;
      const failed = await this.records.failUnfinished(delivery.id!, {
        error: 'job_stalled',
        message: 'The job stopped with its worker too many times',
      });
      if (failed) this.notify(delivery.id!);
    } catch (error) {
      this.logger.warn(`Job ${delivery.id} not recorded as failed: ${(error as Error).message}`);
    }
  }

  /** Hands over again the rows a process left without a BullMQ job (it stopped between committing and adding). */
  private async requeueOrphans(): Promise<void> {
    try {
      const orphans = await this.records.queuedBefore(new Date(Date.now() - this.orphanAfterMs), 1000);
      for (const job of orphans) await this.add(job); // a job that is on the queue already is not added twice
    } catch (error) {
      this.logger.warn(`Orphan sweep: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Hears jobs finish on any worker (lazily: only processes that wait for jobs need it). */
  private async listen(): Promise<void> {
    if (this.events || this.closed) return;
    const { classes, options } = this.settings.store;
    const events = new classes.QueueEvents(QUEUE_NAME, options) as unknown as QueueEvents;
    this.events = events;
    events.on('error', (error: Error) => this.logger.warn(`Queue events: ${error.message}`));
    events.on('completed', ({ jobId }) => this.notify(jobId));
    events.on('failed', ({ jobId }) => this.notify(jobId));
    await events.waitUntilReady();
  }

  private notify(id: string): void {
    for (const waiter of this.waiters.get(id) ?? []) waiter();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
