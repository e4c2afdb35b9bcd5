import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { FacesModule } from '../faces/faces.module.js';
import { LiveModule } from '../live/live.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { VisitorsModule } from '../visitors/visitors.module.js';
import { MaintenanceScheduler } from './maintenance.scheduler.js';
import { SystemController } from './system.controller.js';
import { SystemMaintenance } from './system-maintenance.js';
import { SystemStatus } from './system-status.js';
import { SystemService } from './system.service.js';

/**
 * The installation as a whole: health and usage for admins, the Prometheus gauges' sources, and maintenance
 * (retention of audit logs, unknown faces' snapshots, jobs and the webhook delivery log). On top of the features it reads; none imports it.
 */
@Module({
  imports: [
    AuditModule,
    FacesModule,
    LiveModule,
    OrganizationsModule,
    PresenceModule,
    RecognitionModule,
    VisitorsModule,
    WebhooksModule,
  ],
  controllers: [SystemController],
  providers: [MaintenanceScheduler, SystemMaintenance, SystemService, SystemStatus],
})
export class SystemModule {}
