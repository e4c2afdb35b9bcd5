import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { AuditLogDto, AuditLogQuery } from './audit-log.dto.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@Controller('audit-logs')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Lists the organisation's audit trail, newest first. */
  @Get()
  @Authenticated({ permission: Permission.AuditRead })
  @ApiOkResponse({ type: PageDto(AuditLogDto) })
  listAuditLogs(@CurrentUser() user: AuthUser, @Query() query: AuditLogQuery): Promise<PageOf<AuditLogDto>> {
    return this.audit.list(user, query);
  }
}
