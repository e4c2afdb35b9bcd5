import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { JobDto } from './job.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** The status of a background job (queued, running, completed, failed, cancelled) with its result or error. */
  @Get(':id')
  @Authenticated({ permission: [Permission.JobsRead, Permission.EmployeesWrite] })
  getJob(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<JobDto> {
    return this.jobs.get(user, id);
  }
}
