import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TransactionHooks } from '../../transactions/transaction-hooks.js';
import { FINISHED_JOB_STATUSES, Job, type JobError } from '../job.entity.js';
import { JobQueue, type EnqueueOptions } from '../job-queue.js';
import type { JobRunner } from '../job-runner.js';
import { type BackoffOf, backoffOf, type JobName, type JobPayload } from '../job-types.js';
import type { JobsRepository } from '../jobs.repository.js';

/** A running job holds its row this long; the runner renews it, so only a dead runner's jobs are taken over. */
const LEASE_SECONDS = 30;
/** How often an idle runner looks for due jobs (retries, jobs of a crashed run). */
const POLL_MS = 1000;

/**
 * The embedded default driver: jobs live in the `jobs` table and run in this process, one at a time. A job is
 * claimed atomically (`FOR UPDATE SKIP LOCKED`), so two runners on one database never run it twice; a job whose
 * runner died is taken over when its lease runs out; a run that throws unexpectedly is retried with exponential
 * back-off up to the job's attempts (JOB_OPTIONS). With DATABASE_URL, BullMQ takes its place (`bullmq.driver.ts`).
 */
export class DatabaseJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DatabaseJobQueue.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  protected readonly driver = 'database';
  /** The embedded database runs its jobs in the API process, always. */
  protected readonly runsJobs = true;

  constructor(
    records: JobsRepository,
    runner: JobRunner,
    hooks: TransactionHooks,
    /** The database's own session: claims run on it (PGlite has one). */
    private readonly manager: EntityManager,
    private readonly backoffMs: BackoffOf = backoffOf(),
  ) {
    super(records, runner, hooks);
  }

  onApplicationBootstrap(): void {
    this.runner.discover();
    this.loop = this.work();
  }

  /** Takes no new job and waits for the running one to finish (before the database closes). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions): Promise<Job> {
    this.runner.assertHandled(name);
    const { job } = await this.records.insert(name, payload, options);
    this.wake?.();
    return job;
  }

  async waitFor(id: string, timeoutMs: number): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Listen before reading, so a job finishing in between is not missed; poll as well, for jobs run elsewhere.
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

  async cancelQueued<N extends JobName>(
    manager: EntityManager,
    name: N,
    organizationId: string,
    match: Partial<JobPayload<N>>,
    reason: JobError,
  ): Promise<JobPayload<N>[]> {
    const rows = await this.records.cancelQueued(manager, name, organizationId, match, reason);
    for (const row of rows) this.notify(row.id);
    return rows.map((row) => row.payload);
  }

  /** This process is the only one. */
  protected workersSeen(): Promise<number | null> {
    return Promise.resolve(1);
  }

  /** The row has committed: the runner looks at once instead of at its next poll. */
  protected handOver(): Promise<void> {
    this.wake?.();
    return Promise.resolve();
  }

  /** The row is queued again (JobsService did it); the runner picks it up at once. */
  requeue(): Promise<void> {
    this.wake?.();
    return Promise.resolve();
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const job = await this.claim().catch((error: unknown) => {
        this.logger.error(`Could not claim a job: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      });
      if (job) {
        await this.run(job).catch((error: unknown) =>
          this.logger.error(
            `Job ${job.id} could not be recorded: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Takes the oldest due job: queued and due, or running under a lease that ran out (its runner died). */
  private async claim(): Promise<Job | null> {
    const claimed = await this.manager
      .createQueryBuilder()
      .update(Job)
      .set({
        status: 'running',
        attempts: () => 'attempts + 1',
        startedAt: () => 'coalesce(started_at, now())',
        lockedUntil: () => `now() + make_interval(secs => ${LEASE_SECONDS})`,
      })
      .where(
        `id = (SELECT id FROM jobs
                WHERE (status = 'queued' AND run_after <= now()) OR (status = 'running' AND locked_until < now())
                ORDER BY run_after, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)`,
      )
      .returning(['id'])
      .execute();
    const id = (claimed.raw as { id: string }[])[0]?.id;
    return id ? this.records.findById(id) : null;
  }

  private async run(job: Job): Promise<void> {
    const renew = setInterval(
      () =>
        void this.manager
          .update(Job, { id: job.id }, { lockedUntil: () => `now() + make_interval(secs => ${LEASE_SECONDS})` })
          .catch(() => undefined),
      (LEASE_SECONDS * 1000) / 3,
    );
    try {
      await this.runner.run(job, {
        attemptsLeft: job.attempts < job.maxAttempts,
        runAfter: new Date(Date.now() + this.backoffMs(job.type as JobName) * 2 ** (job.attempts - 1)),
      });
    } finally {
      clearInterval(renew);
    }
    this.notify(job.id);
  }

  private notify(id: string): void {
    for (const waiter of this.waiters.get(id) ?? []) waiter();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
