import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { PresenceSnapshots } from '../presence/presence-snapshots.js';
import type { StoredFile } from '../storage/stored-file.entity.js';
import { WebhooksRepository } from '../webhooks/webhooks.repository.js';
import { MAINTENANCE_TASKS, type MaintenanceTask } from './system.dto.js';

const DAY_MS = 86_400_000;

export interface MaintenancePayload {
  /** The organisation to clean; null: every organisation, and the jobs of none (the daily run). */
  organizationId: string | null;
  /** Overrides every task's RETENTION_*_DAYS when set. */
  olderThanDays: number | null;
  tasks: MaintenanceTask[];
  /** Who asked (audited as the actor); null for the daily run. */
  requestedBy: string | null;
}

export interface MaintenanceResult {
  [key: string]: unknown;
  organizations: number;
  /** Per task: what was older than this (ISO) was deleted. */
  cutoffs: Partial<Record<MaintenanceTask, string>>;
  /** Per task: rows (audit logs, jobs, webhook deliveries) or snapshot files (photo and thumbnail) deleted. */
  deleted: Record<MaintenanceTask, number>;
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'system.maintenance': { payload: MaintenancePayload; result: MaintenanceResult };
  }
}

/**
 * Deletes data past its retention: audit log entries, the snapshot files of unknown faces (the presence events stay,
 * without snapshots), finished jobs, webhook delivery log entries. One transaction per organisation, audited in it (`system.maintenance` with the
 * counts); the files go once it has committed. Idempotent: a second run finds nothing left to delete.
 */
@Injectable()
export class SystemMaintenance {
  private readonly logger = new Logger(SystemMaintenance.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly snapshots: PresenceSnapshots,
    private readonly queue: JobQueue,
    private readonly organizations: OrganizationsService,
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  @OnJob('system.maintenance')
  async run(payload: MaintenancePayload): Promise<MaintenanceResult> {
    const cutoffs = this.cutoffs(payload);
    const deleted: MaintenanceResult['deleted'] = {
      audit_logs: 0,
      unknown_snapshots: 0,
      jobs: 0,
      webhook_deliveries: 0,
    };
    const organizationIds = payload.organizationId ? [payload.organizationId] : await this.organizations.allIds();
    for (const organizationId of organizationIds) {
      const counts = await this.clean(organizationId, cutoffs, payload.requestedBy);
      for (const task of MAINTENANCE_TASKS) deleted[task] += counts[task];
    }
    if (payload.organizationId === null && cutoffs.jobs) {
      deleted.jobs += await this.queue.deleteFinishedBefore(this.dataSource.manager, null, cutoffs.jobs);
    }
    if (Object.values(deleted).some((count) => count > 0)) {
      this.logger.log(
        `Maintenance deleted ${deleted.audit_logs} audit log entries, ${deleted.unknown_snapshots} unknown-face ` +
          `snapshot files, ${deleted.jobs} jobs and ${deleted.webhook_deliveries} webhook deliveries`,
      );
    }
    return {
      organizations: organizationIds.length,
      cutoffs: Object.fromEntries(Object.entries(cutoffs).map(([task, date]) => [task, date.toISOString()])),
      deleted,
    };
  }

  private cutoffs(payload: MaintenancePayload): Partial<Record<MaintenanceTask, Date>> {
    const { auditDays, unknownSnapshotDays, jobsDays, webhookDeliveriesDays } = this.config.retention;
    const days: Record<MaintenanceTask, number> = {
      audit_logs: payload.olderThanDays ?? auditDays,
      unknown_snapshots: payload.olderThanDays ?? unknownSnapshotDays,
      jobs: payload.olderThanDays ?? jobsDays,
      webhook_deliveries: payload.olderThanDays ?? webhookDeliveriesDays,
    };
    const now = Date.now();
    return Object.fromEntries(payload.tasks.map((task) => [task, new Date(now - days[task] * DAY_MS)]));
  }

  private async clean(
    organizationId: string,
    cutoffs: Partial<Record<MaintenanceTask, Date>>,
    requestedBy: string | null,
  ): Promise<Record<MaintenanceTask, number>> {
    let files: StoredFile[] = [];
    const counts = await this.dataSource.transaction(async (manager) => {
      const auditLogs = cutoffs.audit_logs
        ? await this.audit.deleteBefore(manager, organizationId, cutoffs.audit_logs)
        : 0;
      if (cutoffs.unknown_snapshots) {
        files = await this.snapshots.eraseUnknownBefore(manager, organizationId, cutoffs.unknown_snapshots);
      }
      const jobs = cutoffs.jobs ? await this.queue.deleteFinishedBefore(manager, organizationId, cutoffs.jobs) : 0;
      const deliveries = cutoffs.webhook_deliveries
        ? await this.webhooks.deleteDeliveriesBefore(manager, organizationId, cutoffs.webhook_deliveries)
        : 0;
      const result = { audit_logs: auditLogs, unknown_snapshots: files.length, jobs, webhook_deliveries: deliveries };
      // A run someone asked for is always in their trail; the daily one only where it deleted something.
      if (requestedBy !== null || Object.values(result).some((count) => count > 0)) {
        await this.audit.record(
          {
            action: 'system.maintenance',
            entityType: 'organization',
            entityId: organizationId,
            organizationId,
            userId: requestedBy,
            newValues: {
              deleted: result,
              cutoffs: Object.fromEntries(Object.entries(cutoffs).map(([task, date]) => [task, date.toISOString()])),
            },
          },
          manager,
        );
      }
      return result;
    });
    await this.snapshots.discard(files);
    return counts;
  }
}
