import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository, type SelectQueryBuilder } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import { requestContext } from '../common/request-context.js';
import { AuditLog, type Severity } from './audit-log.entity.js';
import { type AuditLogDto, type AuditLogQuery, type SecurityLogQuery, toAuditLogDto } from './audit-log.dto.js';
import { redactSecrets } from './redact-secrets.js';
import { orderQuery } from '../common/ordering.js';

export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string;
  oldValues?: object | null;
  newValues?: object | null;
  /** Defaults to the caller of the current request. */
  userId?: string | null;
  organizationId?: string | null;
  /** Makes the entry a security event, listed by GET /security/audit-logs. */
  severity?: Severity;
}

/** Writes and reads the audit trail. IP, user agent and request id come from the request context. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditLog) private readonly logs: Repository<AuditLog>) {}

  /** Records one event; pass the transaction's manager so the entry commits (or not) with the change. */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const context = requestContext.current();
    const repository = manager ? manager.getRepository(AuditLog) : this.logs;
    await repository.save(
      Object.assign(new AuditLog(), {
        action: entry.action,
        entityType: entry.entityType ?? null,
        entityId: entry.entityId ?? null,
        oldValues: entry.oldValues ? redactSecrets(entry.oldValues) : null,
        newValues: entry.newValues ? redactSecrets(entry.newValues) : null,
        userId: entry.userId !== undefined ? entry.userId : (context?.userId ?? null),
        organizationId: entry.organizationId !== undefined ? entry.organizationId : (context?.organizationId ?? null),
        severity: entry.severity ?? null,
        ip: context?.ip ?? null,
        userAgent: context?.userAgent ?? null,
        requestId: context?.requestId ?? null,
      }),
    );
  }

  /** Deletes, in the caller's transaction, the organisation's entries older than `before`; returns how many. */
  async deleteBefore(manager: EntityManager, organizationId: string, before: Date): Promise<number> {
    const deleted = await manager
      .createQueryBuilder()
      .delete()
      .from(AuditLog)
      .where('organization_id = :organizationId AND created_at < :before', { organizationId, before })
      .execute();
    return deleted.affected ?? 0;
  }

  async list(caller: AuthUser, query: AuditLogQuery): Promise<PageOf<AuditLogDto>> {
    return this.listWhere(caller, query);
  }

  /**
   * The security log: entries with a severity (failed logins, reused refresh tokens, refused camera keys, rate limit
   * refusals, watchlist hits, incidents). Events of no organisation (a failed login of an unknown name, an unknown
   * camera key, an address over its limit) are seen by super admins with `all_organizations`.
   */
  async listSecurityEvents(caller: AuthUser, query: SecurityLogQuery): Promise<PageOf<AuditLogDto>> {
    return this.listWhere(caller, query, (builder) => {
      builder.andWhere('log.severity IS NOT NULL');
      if (query.severity) builder.andWhere('log.severity = :severity', { severity: query.severity });
    });
  }

  private async listWhere(
    caller: AuthUser,
    query: AuditLogQuery,
    narrow?: (builder: SelectQueryBuilder<AuditLog>) => void,
  ): Promise<PageOf<AuditLogDto>> {
    if (query.all_organizations && !caller.isSuperAdmin) {
      throw ApiError.forbidden("Only a super admin may read every organisation's trail");
    }
    const builder = orderQuery(
      this.logs.createQueryBuilder('log'),
      query.ordering,
      { created_at: 'log.created_at', action: 'log.action' },
      'log.id',
    );
    if (!query.all_organizations) {
      builder.where('log.organization_id = :organizationId', { organizationId: caller.organizationId });
    }
    if (query.action) builder.andWhere('log.action = :action', { action: query.action });
    if (query.user_id) builder.andWhere('log.user_id = :userId', { userId: query.user_id });
    if (query.entity_type) builder.andWhere('log.entity_type = :entityType', { entityType: query.entity_type });
    if (query.entity_id) builder.andWhere('log.entity_id = :entityId', { entityId: query.entity_id });
    if (query.date_from) builder.andWhere('log.created_at >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('log.created_at <= :to', { to: query.date_to });
    narrow?.(builder);
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(rows.map(toAuditLogDto), count, query);
  }
}
