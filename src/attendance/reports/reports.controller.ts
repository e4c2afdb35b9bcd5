import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { RealTimeReportDto, RealTimeReportService } from './real-time-report.service.js';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly realTime: RealTimeReportService) {}

  @Get('real-time')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: "Today at a glance: occupancy, attendance, peak hour, processing time, cameras' status" })
  realTimeReport(@CurrentUser() user: AuthUser): Promise<RealTimeReportDto> {
    return this.realTime.report(user);
  }
}
