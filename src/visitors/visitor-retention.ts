import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { Visitor } from './visitor.entity.js';
import { VisitorFaceEraser } from './visitor-faces.js';
import { VisitorRetentionRepository } from './visitor-retention.repository.js';
import { VisitorsRepository } from './visitors.repository.js';

const BATCH = 100;
const DAY_MS = 86_400_000;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';

export interface VisitorRetentionPayload {
  organizationId: string;
  /** The UTC day the run was queued for (`YYYY-MM-DD`); informative. */
  date: string;
}

export interface VisitorRetentionResult {
  [key: string]: unknown;
  retention_days: number;
  /** Visitors last active before this time lost their faces. */
  cutoff: string;
  erased_visitors: number;
  erased_templates: number;
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'visitors.retention': { payload: VisitorRetentionPayload; result: VisitorRetentionResult };
  }
}

/**
 * Erases the faces of visitors last active more than VISITOR_RETENTION_DAYS ago: their templates, photos and search
 * entries go; the visitor row stays (name, company, visits) with `faces_erased_at` set. Each visitor is erased in a
 * transaction of its own holding the visitor's row lock (check-in and enrollment take the same lock, so a visitor who
 * comes back meanwhile keeps their faces), and audited in it. Idempotent: a second run finds nobody left to erase.
 */
@Injectable()
export class VisitorRetention {
  private readonly logger = new Logger(VisitorRetention.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly retention: VisitorRetentionRepository,
    private readonly visitors: VisitorsRepository,
    private readonly faces: VisitorFaceEraser,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  @OnJob('visitors.retention')
  async run({ organizationId }: VisitorRetentionPayload): Promise<VisitorRetentionResult> {
    const days = this.config.visitorRetentionDays;
    const cutoff = new Date(Date.now() - days * DAY_MS);
    const result: VisitorRetentionResult = {
      retention_days: days,
      cutoff: cutoff.toISOString(),
      erased_visitors: 0,
      erased_templates: 0,
    };
    let afterId = FIRST_ID;
    for (;;) {
      const due = await this.retention.findDue(organizationId, cutoff, afterId, BATCH);
      for (const visitorId of due) {
        const templates = await this.eraseOne(organizationId, visitorId, cutoff, days);
        if (templates === null) continue;
        result.erased_visitors += 1;
        result.erased_templates += templates;
      }
      if (due.length < BATCH) break;
      afterId = due[due.length - 1];
    }
    if (result.erased_visitors > 0) {
      this.logger.log(`Retention erased the faces of ${result.erased_visitors} visitors of ${organizationId}`);
    }
    return result;
  }

  /** Templates erased, or null when the visitor is no longer due (came back, deleted) once locked. */
  private eraseOne(organizationId: string, visitorId: string, cutoff: Date, days: number): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const visitor = await this.visitors.lockInOrganization(manager, organizationId, visitorId);
      if (!visitor || !(await this.retention.isDue(manager, organizationId, visitorId, cutoff))) return null;
      const templates = await this.faces.erase(manager, organizationId, visitorId);
      const erasedAt = new Date();
      await manager.getRepository(Visitor).update({ id: visitorId, organizationId }, { facesErasedAt: erasedAt });
      await this.audit.record(
        {
          action: 'visitor.faces_erased',
          entityType: 'visitor',
          entityId: visitorId,
          organizationId,
          userId: null,
          oldValues: { face_templates: visitor.faceTemplates, last_visit_at: visitor.lastVisitAt },
          newValues: {
            reason: 'retention',
            retention_days: days,
            face_templates_erased: templates,
            faces_erased_at: erasedAt,
          },
        },
        manager,
      );
      return templates;
    });
  }
}
