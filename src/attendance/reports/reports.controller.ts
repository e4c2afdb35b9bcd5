import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { AttendancePatternsDto, AttendancePatternsService } from './attendance-patterns.service.js';
import { RealTimeReportDto, RealTimeReportService } from './real-time-report.service.js';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly realTime: RealTimeReportService,
    private readonly patterns: AttendancePatternsService,
  ) {}

  @Get('real-time')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: "Today at a glance: occupancy, attendance, peak hour, processing time, cameras' status" })
  realTimeReport(@CurrentUser() user: AuthUser): Promise<RealTimeReportDto> {
    return this.realTime.report(user);
  }

  @Get('patterns')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'Attendance, lateness and peak hour per weekday over the last 8 weeks' })
  attendancePatterns(@CurrentUser() user: AuthUser): Promise<AttendancePatternsDto> {
    return this.patterns.patterns(user);
  }
}
