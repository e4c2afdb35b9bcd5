import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { JobDto } from '../jobs/job.dto.js';
import { TemplateReindex } from './template-reindex.js';

@ApiTags('recognition')
@Controller('recognition')
export class ReindexController {
  constructor(private readonly reindex: TemplateReindex) {}

  /** Queues a job that re-embeds templates made by an older model from their stored photos (poll GET /jobs/:id). */
  @Post('reindex')
  @HttpCode(202)
  @Authenticated({ permission: Permission.EmployeesWrite })
  @ApiAcceptedResponse({ type: JobDto })
  reindexTemplates(@CurrentUser() user: AuthUser): Promise<JobDto> {
    return this.reindex.start(user);
  }
}
