import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { JobDto, JobQuery } from './job.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @Authenticated({ permission: Permission.JobsRead })
  @ApiOperation({ summary: "List the organisation's background jobs, newest first (`status=failed` for failures)" })
  @ApiOkResponse({ type: PageDto(JobDto) })
  listJobs(@CurrentUser() user: AuthUser, @Query() query: JobQuery): Promise<PageOf<JobDto>> {
    return this.jobs.list(user, query);
  }

  @Get(':id')
  @Authenticated({ permission: [Permission.JobsRead, Permission.EmployeesWrite] })
  @ApiOperation({
    summary: 'The status of a background job (queued, running, completed, failed, cancelled) with its result or error',
  })
  getJob(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<JobDto> {
    return this.jobs.get(user, id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Authenticated({ permission: Permission.JobsWrite })
  @ApiOperation({ summary: 'Run a failed job again with all its attempts (409 unless failed and retryable)' })
  retryJob(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<JobDto> {
    return this.jobs.retry(user, id);
  }
}
