import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, type QueryDeepPartialEntity, Repository } from 'typeorm';
import { PageOf, type PageQuery } from '../common/pagination.js';
import { FINISHED_JOB_STATUSES, Job, type JobError, type JobStatus } from './job.entity.js';
import type { EnqueueOptions } from './job-queue.js';
import { JOB_OPTIONS, type JobName, type JobPayload } from './job-types.js';

/** How a run of a job ended, as written to its row. */
export type JobOutcome =
  | { status: 'completed'; result: Record<string, unknown> | null }
  | { status: 'failed' | 'cancelled'; error: JobError }
  /** Failed unexpectedly with attempts left: queued again, not before `runAfter` (the in-process driver's timer). */
  | { status: 'queued'; error: JobError; runAfter: Date | null };

/**
 * The `jobs` table: one row per job, whichever driver runs it. The row is what clients see (GET /jobs), what is
 * scoped to an organisation, what an idempotency key de-duplicates, and what a transaction cancels; a driver claims
 * it before running the job, so a cancelled or finished job never runs (again).
 */
@Injectable()
export class JobsRepository {
  constructor(@InjectRepository(Job) private readonly jobs: Repository<Job>) {}

  /**
   * Inserts a queued job (in `manager`'s transaction when given); while one with the same name and idempotency key
   * is queued or running, answers that one instead (`created: false`).
   */
  async insert<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    options: EnqueueOptions,
    manager: EntityManager = this.jobs.manager,
  ): Promise<{ job: Job; created: boolean }> {
    const row = {
      type: name,
      organizationId: options.organizationId,
      createdBy: options.createdBy,
      payload: payload as unknown as Record<string, unknown>,
      maxAttempts: JOB_OPTIONS[name].attempts,
      idempotencyKey: options.idempotencyKey ?? null,
    };
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Job)
      .values(row as QueryDeepPartialEntity<Job>)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    if (id) return { job: await manager.findOneByOrFail(Job, { id }), created: true };
    const existing = await manager.findOneByOrFail(Job, {
      type: name,
      idempotencyKey: options.idempotencyKey,
      status: In(['queued', 'running']),
    });
    return { job: existing, created: false };
  }

  /** Removes a job that never reached the queue (the queue refused it). */
  async remove(id: string): Promise<void> {
    await this.jobs.delete({ id });
  }

  findById(id: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id });
  }

  findInOrganization(id: string, organizationId: string): Promise<Job | null> {
    return this.jobs.findOneBy({ id, organizationId });
  }

  /** The organisation's jobs, newest first, of a status and type when given. */
  async listInOrganization(
    organizationId: string,
    filter: { status?: JobStatus; type?: string },
    page: PageQuery,
  ): Promise<PageOf<Job>> {
    const where = {
      organizationId,
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.type ? { type: filter.type } : {}),
    };
    const [rows, count] = await this.jobs.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      ...PageOf.skipTake(page),
    });
    return new PageOf(rows, count, page);
  }

  /** Jobs per status, every organisation together (queue depth for metrics and health). */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.jobs
      .createQueryBuilder('job')
      .select('job.status', 'status')
      .addSelect('count(*)::int', 'count')
      .groupBy('job.status')
      .getRawMany<{ status: string; count: number }>();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  }

  /** When the longest-waiting queued job was queued, or null when none waits. */
  async oldestQueuedAt(): Promise<Date | null> {
    const row = await this.jobs
      .createQueryBuilder('job')
      .select('min(job.created_at)', 'oldest')
      .where('job.status = :queued', { queued: 'queued' })
      .getRawOne<{ oldest: Date | string | null }>();
    return row?.oldest ? new Date(row.oldest) : null;
  }

  /** Whether a job of this name was ever queued with this key (whatever became of it). */
  async existsWithKey(name: JobName, idempotencyKey: string): Promise<boolean> {
    return this.jobs.existsBy({ type: name, idempotencyKey });
  }

  /**
   * Deletes, in the caller's transaction, the finished jobs (completed, failed, cancelled) that finished before
   * `before`: of one organisation, or with `organizationId: null` those of no organisation. Returns how many.
   */
  async deleteFinishedBefore(manager: EntityManager, organizationId: string | null, before: Date): Promise<number> {
    const deleted = await manager
      .createQueryBuilder()
      .delete()
      .from(Job)
      .where('status IN (:...finished) AND finished_at < :before', { finished: FINISHED_JOB_STATUSES, before })
      .andWhere(organizationId === null ? 'organization_id IS NULL' : 'organization_id = :organizationId', {
        organizationId,
      })
      .execute();
    return deleted.affected ?? 0;
  }

  /** Ids and names of jobs queued before `before` (for a driver to make sure each is on its queue). */
  async queuedBefore(before: Date, limit: number): Promise<Pick<Job, 'id' | 'type'>[]> {
    return this.jobs
      .createQueryBuilder('job')
      .select(['job.id', 'job.type'])
      .where('job.status = :queued AND job.created_at < :before', { queued: 'queued', before })
      .orderBy('job.created_at')
      .limit(limit)
      .getMany();
  }

  /**
   * Marks the job running for one more run, unless it was cancelled or has finished (then null: do not run it).
   * `running` is taken over too: its last runner died and the queue handed the job on.
   */
  async claim(id: string): Promise<Job | null> {
    const claimed = await this.jobs
      .createQueryBuilder()
      .update(Job)
      .set({ status: 'running', attempts: () => 'attempts + 1', startedAt: () => 'coalesce(started_at, now())' })
      .where('id = :id AND status IN (:...open)', { id, open: ['queued', 'running'] })
      .returning(['id'])
      .execute();
    return (claimed.raw as unknown[]).length > 0 ? this.jobs.findOneBy({ id }) : null;
  }

  /** Writes how a run ended; a finished job gets its finish time and run time. */
  async finish(id: string, outcome: JobOutcome, processingTimeMs: number): Promise<void> {
    const update: Partial<Job> = { status: outcome.status, lockedUntil: null };
    if (outcome.status === 'completed') Object.assign(update, { result: outcome.result, error: null });
    else update.error = outcome.error;
    if (outcome.status === 'queued') {
      if (outcome.runAfter) update.runAfter = outcome.runAfter;
    } else {
      Object.assign(update, { finishedAt: new Date(), processingTimeMs });
    }
    await this.jobs.update({ id }, update as QueryDeepPartialEntity<Job>);
  }

  /** Fails a job the queue gave up on outside a run (e.g. it stalled too often); no change once it finished. */
  async failUnfinished(id: string, error: JobError): Promise<boolean> {
    const updated = await this.jobs
      .createQueryBuilder()
      .update(Job)
      .set({ status: 'failed', error: () => 'CAST(:error AS jsonb)', finishedAt: () => 'now()', lockedUntil: null })
      .where('id = :id AND status IN (:...open)', { id, open: ['queued', 'running'], error: JSON.stringify(error) })
      .execute();
    return (updated.affected ?? 0) > 0;
  }

  /** Puts a failed job back in the queue with all its attempts, in the caller's transaction; false unless failed. */
  async requeueFailed(manager: EntityManager, id: string): Promise<boolean> {
    const updated = await manager
      .createQueryBuilder()
      .update(Job)
      .set({
        status: 'queued',
        attempts: 0,
        error: null,
        result: null,
        startedAt: null,
        finishedAt: null,
        processingTimeMs: null,
        runAfter: () => 'now()',
      })
      .where('id = :id AND status = :failed', { id, failed: 'failed' })
      .returning(['id'])
      .execute();
    return (updated.raw as unknown[]).length > 0;
  }

  /** Cancels, in the caller's transaction, queued jobs of a name whose payload contains `match`; returns them. */
  async cancelQueued<N extends JobName>(
    manager: EntityManager,
    name: N,
    organizationId: string,
    match: Partial<JobPayload<N>>,
    reason: JobError,
  ): Promise<{ id: string; payload: JobPayload<N> }[]> {
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
    return cancelled.raw as { id: string; payload: JobPayload<N> }[];
  }
}
