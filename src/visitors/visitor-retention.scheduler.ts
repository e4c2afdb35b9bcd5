import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { VisitorRetentionRepository } from './visitor-retention.repository.js';

const TICK_MS = 10 * 60_000;

/**
 * Every ten minutes, queues each active organisation's retention run of the day (UTC) unless one was queued already:
 * a row in visitor_retention_runs, inserted by whichever instance gets there first, makes it queue once a day
 * across instances.
 */
@Injectable()
export class VisitorRetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(VisitorRetentionScheduler.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly organizations: OrganizationsService,
    private readonly retention: VisitorRetentionRepository,
    private readonly queue: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((error: Error) => this.logger.warn(error.message)), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues the runs due now; returns the ids of the jobs it queued. */
  async tick(now = new Date()): Promise<string[]> {
    const date = now.toISOString().slice(0, 10);
    const queued: string[] = [];
    for (const organizationId of await this.organizations.activeIds()) {
      if (!(await this.retention.claimRun(organizationId, date))) continue;
      const job = await this.queue.enqueue(
        'visitors.retention',
        { organizationId, date },
        { organizationId, createdBy: null, idempotencyKey: `${organizationId}:${date}` },
      );
      queued.push(job.id);
    }
    return queued;
  }
}
