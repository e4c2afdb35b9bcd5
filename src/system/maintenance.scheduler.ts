import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import { MAINTENANCE_TASKS } from './system.dto.js';

const TICK_MS = 10 * 60_000;

/**
 * Every ten minutes, queues the day's (UTC) maintenance over every organisation unless it was queued already: the
 * job's idempotency key names the day, so each instance that looks finds it. Two instances looking at the same
 * moment may both queue it; the run is idempotent, so the second finds nothing to delete.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceScheduler.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: JobQueue) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((error: Error) => this.logger.warn(error.message)), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues the day's run unless it was; returns the id of the job it queued, or null. */
  async tick(now = new Date()): Promise<string | null> {
    const key = `daily:${now.toISOString().slice(0, 10)}`;
    if (await this.queue.wasQueued('system.maintenance', key)) return null;
    const job = await this.queue.enqueue(
      'system.maintenance',
      { organizationId: null, olderThanDays: null, tasks: [...MAINTENANCE_TASKS], requestedBy: null },
      { organizationId: null, createdBy: null, idempotencyKey: key },
    );
    return job.id;
  }
}
