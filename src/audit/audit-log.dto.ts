import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsDate, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import type { AuditLog } from './audit-log.entity.js';
import { Optional } from '../common/optional.js';
import { toBoolean } from '../common/transforms.js';
import { IsDateInRange } from '../common/date-range.js';

export class AuditLogQuery extends PageQuery {
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

  /** ISO 8601 date or date-time, inclusive. */
  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  date_from?: Date;

  /** ISO 8601 date or date-time, inclusive. */
  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  date_to?: Date;
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
    ip: log.ip,
    user_agent: log.userAgent,
    request_id: log.requestId,
    created_at: log.createdAt,
  };
}
