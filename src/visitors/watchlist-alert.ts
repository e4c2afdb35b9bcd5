import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { Visitor } from './visitor.entity.js';

/** Raises `visitor.watchlist_hit` (the organisation's security feed hears it) and audits it, in one transaction. */
@Injectable()
export class WatchlistAlert {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
  ) {}

  async raise(caller: AuthUser, visitor: Visitor, source: 'identify' | 'check_in'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.audit.record(
        {
          action: 'visitor.watchlist_hit',
          severity: 'high',
          entityType: 'visitor',
          entityId: visitor.id,
          organizationId: visitor.organizationId,
          newValues: { source },
        },
        manager,
      );
      await this.events.publish(manager, 'visitor.watchlist_hit', {
        organizationId: visitor.organizationId,
        visitorId: visitor.id,
        visitorName: visitor.fullName,
        source,
        userId: caller.id,
        at: new Date().toISOString(),
      });
    });
  }
}
