import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { type JobDto, toJobDto } from '../jobs/job.dto.js';
import { JobQueue } from '../jobs/job-queue.js';
import { MAINTENANCE_TASKS, type RunMaintenanceDto } from './system.dto.js';

/** Starts maintenance runs on behalf of an admin. */
@Injectable()
export class SystemService {
  constructor(private readonly queue: JobQueue) {}

  /**
   * Queues `system.maintenance` for the caller's organisation (every organisation with `all_organizations`, super
   * admins only). The same request while its job is queued or running answers that job.
   */
  async startMaintenance(caller: AuthUser, input: RunMaintenanceDto): Promise<JobDto> {
    if (input.all_organizations && !caller.isSuperAdmin) {
      throw ApiError.forbidden('Only a super admin may run maintenance over every organisation');
    }
    const tasks = MAINTENANCE_TASKS.filter((task) => !input.tasks || input.tasks.includes(task));
    const organizationId = input.all_organizations ? null : caller.organizationId;
    const olderThanDays = input.older_than_days ?? null;
    const job = await this.queue.enqueue(
      'system.maintenance',
      { organizationId, olderThanDays, tasks, requestedBy: caller.id },
      {
        organizationId: caller.organizationId,
        createdBy: caller.id,
        idempotencyKey: `${organizationId ?? 'all'}:${tasks.join(',')}:${olderThanDays ?? 'configured'}`,
      },
    );
    return toJobDto(job);
  }
}
