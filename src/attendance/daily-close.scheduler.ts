import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { addDays, minutesOf, toLocalTime } from './local-time.js';

const TICK_MS = 60_000;

/**
 * Once a minute, for each active organisation whose local clock has passed ATTENDANCE_CLOSE_TIME, queues the close
 * of that day (and of the day before, in case the service was down at the time). A row in attendance_closures,
 * inserted by whichever instance gets there first, makes each day's close queue once across instances.
 */
@Injectable()
export class DailyCloseScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DailyCloseScheduler.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick().catch((error: Error) => this.logger.warn(error.message)), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Queues the closes that are due now; returns how many it queued. */
  async tick(now = new Date()): Promise<number> {
    let queued = 0;
    for (const organizationId of await this.organizations.activeIds()) {
      const { timeZone } = await this.organizations.calendarOf(organizationId);
      const local = toLocalTime(now, timeZone);
      const due = local.seconds >= minutesOf(this.config.attendanceCloseTime) * 60;
      const dates = due ? [addDays(local.date, -1), local.date] : [addDays(local.date, -1)];
      for (const date of dates) {
        if (await this.claim(organizationId, date)) {
          await this.queue.enqueue('attendance.close', { organizationId, date }, { organizationId, createdBy: null });
          queued += 1;
        }
      }
    }
    return queued;
  }

  /** True for the one caller that records the day as closed. */
  private async claim(organizationId: string, date: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO attendance_closures (organization_id, date) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING date`,
      [organizationId, date],
    );
    return rows.length > 0;
  }
}
