import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { AuditLogDto, SecurityLogQuery } from '../audit/audit-log.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';

@ApiTags('security')
@Controller('security/audit-logs')
export class SecurityAuditLogsController {
  constructor(private readonly audit: AuditService) {}

  /**
   * The security log, newest first: failed logins, reused refresh tokens, refused camera keys, rate limit
   * refusals, watchlist hits and incidents, each with a severity. Super admins see events of no organisation
   * (unknown login names, unknown keys, addresses over their limit) with `all_organizations=true`.
   */
  @Get()
  @Authenticated({ permission: Permission.SecurityRead })
  @ApiOkResponse({ type: PageDto(AuditLogDto) })
  listSecurityAuditLogs(@CurrentUser() user: AuthUser, @Query() query: SecurityLogQuery): Promise<PageOf<AuditLogDto>> {
    return this.audit.listSecurityEvents(user, query);
  }
}
