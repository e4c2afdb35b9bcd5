import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AttendanceModule } from '../attendance/attendance.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { GlobalExceptionFilter } from '../common/global-exception.filter.js';
import { PaginationInterceptor } from '../common/pagination.interceptor.js';
import { createValidationPipe } from '../common/validation.js';
import type { AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { CamerasModule } from '../cameras/cameras.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DepartmentsModule } from '../departments/departments.module.js';
import { FacesModule } from '../faces/faces.module.js';
import { EmployeesModule } from '../employees/employees.module.js';
import { EventsModule } from '../events/events.module.js';
import { HealthModule } from '../health/health.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { LiveModule } from '../live/live.module.js';
import { LocationsModule } from '../locations/locations.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RateLimitsModule } from '../rate-limits/rate-limits.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { SecurityModule } from '../security/security.module.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { SystemModule } from '../system/system.module.js';
import { UsersModule } from '../users/users.module.js';
import { VisitorsModule } from '../visitors/visitors.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { FirstRunService } from './first-run.service.js';

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        EventsModule,
        HealthModule,
        MetricsModule,
        AuditModule,
        RolesModule,
        UsersModule,
        AuthModule,
        RateLimitsModule,
        OrganizationsModule,
        DepartmentsModule,
        LocationsModule,
        ShiftsModule,
        EmployeesModule,
        RecognitionModule,
        JobsModule,
        FacesModule,
        CamerasModule,
        AttendanceModule,
        LiveModule,
        PresenceModule,
        VisitorsModule,
        WebhooksModule,
        SystemModule,
        SecurityModule,
      ],
      providers: [
        FirstRunService,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: PaginationInterceptor },
      ],
    };
  }
}
