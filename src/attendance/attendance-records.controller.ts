import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import {
  AttendanceRecordDetailDto,
  AttendanceRecordDto,
  AttendanceRecordQuery,
  CloseDayDto,
  CreateAttendanceRecordDto,
  UpdateAttendanceRecordDto,
} from './attendance-record.dto.js';
import { AttendanceRecordsService } from './attendance-records.service.js';
import { DailyClose } from './daily-close.js';
import { AttendanceSummaryDto, AttendanceSummaryQuery } from './reports/attendance-summary.dto.js';
import { AttendanceSummaryService } from './reports/attendance-summary.service.js';
import { AttendanceStatisticsDto, AttendanceStatisticsQuery } from './reports/attendance-statistics.dto.js';
import { AttendanceStatisticsService } from './reports/attendance-statistics.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import type { JobDto } from '../jobs/job.dto.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('attendance')
@Controller('attendance')
export class AttendanceRecordsController {
  constructor(
    private readonly records: AttendanceRecordsService,
    private readonly close: DailyClose,
    private readonly summaries: AttendanceSummaryService,
    private readonly statistics: AttendanceStatisticsService,
  ) {}

  @Get('records')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'List daily attendance records' })
  @ApiOkResponse({ type: PageDto(AttendanceRecordDto) })
  listAttendanceRecords(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceRecordQuery,
  ): Promise<PageOf<AttendanceRecordDto>> {
    return this.records.list(user, query);
  }

  @Get('summary')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'Attendance figures over a period: totals, rate, by department, check-ins by hour' })
  attendanceSummary(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceSummaryQuery,
  ): Promise<AttendanceSummaryDto> {
    return this.summaries.summary(user, query);
  }

  @Get('statistics')
  @RateLimit('reports')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({
    summary: 'Attendance counts and rates over a range: overall, per day/week/month/person/department, trend',
  })
  @ApiErrors({ 404: ['not_found'] })
  attendanceStatistics(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceStatisticsQuery,
  ): Promise<AttendanceStatisticsDto> {
    return this.statistics.statistics(user, query);
  }

  @Get('me')
  @Authenticated({ permission: Permission.AttendanceReadSelf })
  @ApiOperation({ summary: "List the caller's own attendance records" })
  @ApiOkResponse({ type: PageDto(AttendanceRecordDto) })
  listOwnAttendance(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceRecordQuery,
  ): Promise<PageOf<AttendanceRecordDto>> {
    return this.records.listOwn(user, query);
  }

  @Get('records/:id')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'Get one attendance record, with the presence events behind it' })
  getAttendanceRecord(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<AttendanceRecordDetailDto> {
    return this.records.getWithSightings(user, id);
  }

  @Post('records')
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Mark a day by hand, with a reason' })
  createAttendanceRecord(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateAttendanceRecordDto,
  ): Promise<AttendanceRecordDto> {
    return this.records.create(user, body);
  }

  @Post('close')
  @HttpCode(202)
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Close a day now: absences marked, open records closed (idempotent; runs as a job)' })
  closeAttendanceDay(@CurrentUser() user: AuthUser, @Body() body: CloseDayDto): Promise<JobDto> {
    return this.close.queue(user, body.date);
  }

  @Patch('records/:id')
  @Authenticated({ permission: Permission.AttendanceWrite })
  @ApiOperation({ summary: 'Correct a record, with a reason (old and new values are audited)' })
  updateAttendanceRecord(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateAttendanceRecordDto,
  ): Promise<AttendanceRecordDto> {
    return this.records.update(user, id, body);
  }
}
