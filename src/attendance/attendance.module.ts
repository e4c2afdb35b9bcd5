import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmployeesModule } from '../employees/employees.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { AttendanceCalendar } from './attendance-calendar.js';
import { AttendanceMarker } from './attendance-marker.js';
import { AttendanceRecord } from './attendance-record.entity.js';
import { AttendanceRecordsController } from './attendance-records.controller.js';
import { AttendanceRecordsService } from './attendance-records.service.js';
import { DailyClose } from './daily-close.js';
import { DailyCloseScheduler } from './daily-close.scheduler.js';
import { LeaveRequest } from './leave/leave-request.entity.js';
import { LeaveRequestsController } from './leave/leave-requests.controller.js';
import { LeaveRequestsService } from './leave/leave-requests.service.js';
import { PresenceListener } from './presence.listener.js';
import { SelfCheckInController } from './check-in/self-check-in.controller.js';
import { SelfCheckIn } from './check-in/self-check-in.entity.js';
import { SelfCheckInService } from './check-in/self-check-in.service.js';
import { LocationsModule } from '../locations/locations.module.js';
import { RecognitionModule } from '../recognition/recognition.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { DepartmentsModule } from '../departments/departments.module.js';
import { AttendanceSummaryService } from './reports/attendance-summary.service.js';
import { RealTimeReportService } from './reports/real-time-report.service.js';
import { AttendancePatternsService } from './reports/attendance-patterns.service.js';
import { ReportsController } from './reports/reports.controller.js';
import { CamerasModule } from '../cameras/cameras.module.js';
import { AttendanceStatisticsService } from './reports/attendance-statistics.service.js';
import { ReportScopes } from './reports/report-scope.js';
import { AttendanceReportData } from './reports/attendance-report-data.js';
import { AttendanceReportFiles } from './reports/attendance-report-files.js';
import { StorageModule } from '../storage/storage.module.js';
import { SubjectStatistics } from './reports/subject-statistics.js';
import { ClassSubjectStatistics } from './sessions/class-subject-statistics.js';
import { FacesModule } from '../faces/faces.module.js';
import { ClassSession } from './sessions/class-session.entity.js';
import { ClassSessionMark } from './sessions/class-session-mark.entity.js';
import { ClassSessionMarking } from './sessions/class-session-marking.service.js';
import { ClassSessionStatistics } from './sessions/class-session-statistics.js';
import { ClassSessionsController } from './sessions/class-sessions.controller.js';
import { ClassSessionsRepository } from './sessions/class-sessions.repository.js';
import { ClassSessionsService } from './sessions/class-sessions.service.js';
import { TeachingScope } from './sessions/teaching-scope.js';

/**
 * Daily attendance from presence, by hand, from phones (self check-in) and by the daily close; leave; class sessions
 * marked from class photos. Listens to presence, never the reverse.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([AttendanceRecord, ClassSession, ClassSessionMark, LeaveRequest, SelfCheckIn]),
    CamerasModule,
    DepartmentsModule,
    EmployeesModule,
    FacesModule,
    LocationsModule,
    OrganizationsModule,
    PresenceModule,
    RecognitionModule,
    ShiftsModule,
    StorageModule,
  ],
  controllers: [
    AttendanceRecordsController,
    ClassSessionsController,
    LeaveRequestsController,
    ReportsController,
    SelfCheckInController,
  ],
  providers: [
    AttendanceCalendar,
    AttendanceMarker,
    AttendancePatternsService,
    AttendanceRecordsService,
    AttendanceReportData,
    AttendanceReportFiles,
    AttendanceStatisticsService,
    AttendanceSummaryService,
    ClassSessionMarking,
    ClassSessionStatistics,
    ClassSessionsRepository,
    ClassSessionsService,
    DailyClose,
    DailyCloseScheduler,
    LeaveRequestsService,
    PresenceListener,
    RealTimeReportService,
    ReportScopes,
    SelfCheckInService,
    { provide: SubjectStatistics, useClass: ClassSubjectStatistics },
    TeachingScope,
  ],
  exports: [AttendanceMarker],
})
export class AttendanceModule {}
