import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CamerasModule } from '../cameras/cameras.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SecurityAuditLogsController } from './security-audit-logs.controller.js';
import { SecurityIncident } from './security-incident.entity.js';
import { SecurityIncidentsController } from './security-incidents.controller.js';
import { SecurityIncidentsService } from './security-incidents.service.js';

/** Security incidents and the security log (the audit trail's events with a severity). */
@Module({
  imports: [TypeOrmModule.forFeature([SecurityIncident]), CamerasModule, StorageModule],
  controllers: [SecurityIncidentsController, SecurityAuditLogsController],
  providers: [SecurityIncidentsService],
})
export class SecurityModule {}
