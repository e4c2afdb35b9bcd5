import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, type QueryDeepPartialEntity, Repository } from 'typeorm';
import { FINISHED_JOB_STATUSES, Job, type JobError } from './job.entity.js';
import { JobHandlers } from './job-handlers.js';
import { JobCancelled, JobFailure, JobQueue, type EnqueueOptions } from './job-queue.js';
import { JOB_OPTIONS, type JobName, type JobPayload } from './job-types.js';

/** A running job holds its row this long; the runner renews it, so only a dead runner's jobs are taken over. */
const LEASE_SECONDS = 30;
/** How often an idle runner looks for due jobs (retries, jobs of other instances, jobs of a crashed one). */
const POLL_MS = 1000;

/**
 * The embedded default driver: jobs live in the `jobs` table and run in this process, one at a time. A job is
 * claimed atomically (`FOR UPDATE SKIP LOCKED`), so several instances on one PostgreSQL never run it twice; a
 * job whose runner died is taken over when its lease runs out; a run that throws unexpectedly is retried with
 * exponential back-off up to the job's attempts (JOB_OPTIONS).
 */
@Injectable()
export class DatabaseJobQueue extends JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseJobQueue.name);
  private readonly waiters = new Map<string, Set<() => void>>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
    private readonly handlers: JobHandlers,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.handlers.discover();
    this.loop = this.work();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: EnqueueOptions): Promise<Job> {
    if (!this.handlers.has(name)) throw new Error(`No handler for job ${name}`);
    const row = {
      type: name,
      organizationId: options.organizationId,
      createdBy: options.createdBy,
      payload: payload as unknown as Record<string, unknown>,
      maxAttempts: JOB_OPTIONS[name].attempts,
      idempotencyKey: options.idempotencyKey ?? null,
    };
    const inserted = await this.jobs
      .createQueryBuilder()
      .insert()
      .into(Job)
      .values(row as QueryDeepPartialEntity<Job>)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    const job = id
      ? await this.jobs.findOneByOrFail({ id })
      : await this.jobs.findOneByOrFail({
          type: name,
          idempotencyKey: options.idempotencyKey,
          status: In(['queued', 'running']),
        });
    this.wake?.();
    return job;
  }

  find(id: string, organizationId: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id, organizationId });
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
        const job = await this.jobs.findOneByOrFail({ id });
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
    const cancelled = await manager
      .createQueryBuilder()
      .update(Job)
      .set({ status: 'cancelled', error: () => 'CAST(:reason AS jsonb)', finishedAt: () => 'now()' })
      .where('type = :type AND organization_id = :organizationId AND status = :queued', {
        type: name,
        organizationId,
        queued: 'queued',
        reason: JSON.stringify(reason),
      })
      .andWhere('payload @> CAST(:match AS jsonb)', { match: JSON.stringify(match) })
      .returning(['id', 'payload'])
      .execute();
    const rows = cancelled.raw as { id: string; payload: JobPayload<N> }[];
    for (const row of rows) this.notify(row.id);
    return rows.map((row) => row.payload);
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
    const claimed = await this.jobs
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
    return id ? this.jobs.findOneBy({ id }) : null;
  }

  private async run(job: Job): Promise<void> {
    const started = Date.now();
    const renew = setInterval(
      () =>
        void this.jobs
          .update({ id: job.id }, { lockedUntil: () => `now() + make_interval(secs => ${LEASE_SECONDS})` })
          .catch(() => undefined),
      (LEASE_SECONDS * 1000) / 3,
    );
    const update: Partial<Job> = { lockedUntil: null };
    try {
      const handler = this.handlers.get(job.type);
      if (!handler) throw new JobFailure('unknown_job_type', `No handler for job type ${job.type}`);
      update.result = ((await handler(job.payload, job.id)) ?? null) as Record<string, unknown> | null;
      update.status = 'completed';
      update.error = null;
    } catch (error) {
      Object.assign(update, this.failure(job, error));
    } finally {
      clearInterval(renew);
    }
    if (update.status !== 'queued') {
      update.finishedAt = new Date();
      update.processingTimeMs = Date.now() - started;
    }
    await this.jobs.update({ id: job.id }, update as QueryDeepPartialEntity<Job>);
    this.notify(job.id);
  }

  /** A JobFailure or JobCancelled ends the job; anything else is retried while attempts are left. */
  private failure(job: Job, error: unknown): Partial<Job> {
    if (error instanceof JobFailure) {
      const status = error instanceof JobCancelled ? 'cancelled' : 'failed';
      return { status, error: { error: error.code, message: error.message, details: error.details } };
    }
    this.logger.error(`Job ${job.id} (${job.type}) failed`, error instanceof Error ? error.stack : String(error));
    const unexpected = { error: 'internal_error', message: 'The job failed unexpectedly' };
    if (job.attempts >= job.maxAttempts) return { status: 'failed', error: unexpected };
    const options = JOB_OPTIONS[job.type as JobName] ?? { backoffMs: 1000 };
    const wait = options.backoffMs * 2 ** (job.attempts - 1);
    return { status: 'queued', error: unexpected, runAfter: new Date(Date.now() + wait) };
  }

  private notify(id: string): void {
    for (const waiter of this.waiters.get(id) ?? []) waiter();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
