import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type AuditLog, SEVERITIES, type Severity } from './audit-log.entity.js';
import { Optional } from '../common/optional.js';
import { toBoolean } from '../common/transforms.js';
import { QueryTime } from '../common/date-query.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

export const AUDIT_LOG_ORDERINGS = orderingsOf(['created_at', 'action'] as const);
export type AuditLogOrdering = (typeof AUDIT_LOG_ORDERINGS)[number];

export class AuditLogQuery extends PageQuery {
  @OrderingParam(AUDIT_LOG_ORDERINGS, 'AuditLogOrdering', '-created_at')
  ordering: AuditLogOrdering = '-created_at';
  /** e.g. `user.created`, `auth.login`, `auth.login_failed`. */
  @Optional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @Optional()
  @IsUUID()
  user_id?: string;

  /**
   * Super admins only: every organisation's trail and installation-wide events (such as failed logins of unknown
   * names), instead of the organisation acted in.
   */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  all_organizations?: boolean;

  @Optional()
  @IsString()
  @MaxLength(100)
  entity_type?: string;

  @Optional()
  @IsString()
  @MaxLength(100)
  entity_id?: string;

  @QueryTime('from')
  date_from?: Date;

  @QueryTime('to')
  date_to?: Date;
}

/** The security log's filters: the audit trail's, and the events' severity. */
export class SecurityLogQuery extends AuditLogQuery {
  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' })
  @Optional()
  @IsIn(SEVERITIES)
  severity?: Severity;
}

export class AuditLogDto {
  id: string;
  organization_id: string | null;
  user_id: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  old_values: Record<string, unknown> | null;
  new_values: Record<string, unknown> | null;
  /** Set on security events only. */
  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity', nullable: true, type: String })
  severity: Severity | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: Date;
}

export function toAuditLogDto(log: AuditLog): AuditLogDto {
  return {
    id: log.id,
    organization_id: log.organizationId,
    user_id: log.userId,
    action: log.action,
    entity_type: log.entityType,
    entity_id: log.entityId,
    old_values: log.oldValues,
    new_values: log.newValues,
    severity: log.severity,
    ip: log.ip,
    user_agent: log.userAgent,
    request_id: log.requestId,
    created_at: log.createdAt,
  };
}
