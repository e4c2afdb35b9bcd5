import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { ApiErrors } from '../../common/api-errors.decorator.js';
import { IdParam } from '../../common/id-param.js';
import { JobDto } from '../../jobs/job.dto.js';
import { AttendancePatternsDto, AttendancePatternsService } from './attendance-patterns.service.js';
import { AttendanceReportFiles } from './attendance-report-files.js';
import { AttendanceReportQuery, REPORT_CONTENT_TYPES } from './attendance-report.dto.js';
import { RealTimeReportDto, RealTimeReportService } from './real-time-report.service.js';
import { reportDownload } from './report-response.js';
import { RateLimit } from '../../rate-limits/rate-limit.decorator.js';

const REPORT_FILE = { type: 'string', format: 'binary' } as const;

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly realTime: RealTimeReportService,
    private readonly patterns: AttendancePatternsService,
    private readonly reportFiles: AttendanceReportFiles,
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

  /** The file at once for up to REPORT_SYNC_MAX_DAYS days (default 31); a longer range answers 202 with a job. */
  @Get('attendance')
  @RateLimit('reports')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'Attendance report file (JSON, CSV, XLSX or PDF) by department and person over a range' })
  @ApiProduces(...Object.values(REPORT_CONTENT_TYPES))
  @ApiOkResponse({ description: 'The report file, as an attachment', schema: REPORT_FILE })
  @ApiAcceptedResponse({ type: JobDto, description: 'A long range: the job whose result names the file to fetch' })
  @ApiErrors({ 404: ['not_found'] })
  async attendanceReport(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceReportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile | JobDto> {
    const answer = await this.reportFiles.request(user, query);
    if (answer.status === 202) {
      response.status(202);
      return answer.job;
    }
    return reportDownload(response, answer.file);
  }

  @Get('files/:id')
  @Authenticated({ permission: Permission.AttendanceRead })
  @ApiOperation({ summary: 'Download a report file a job generated' })
  @ApiProduces(...Object.values(REPORT_CONTENT_TYPES))
  @ApiOkResponse({ description: 'The report file, as an attachment', schema: REPORT_FILE })
  async getReportFile(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return reportDownload(response, await this.reportFiles.download(user, id));
  }
}
