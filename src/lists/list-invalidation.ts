import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityMetadata, type ObjectLiteral, type QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { CacheInvalidationChannel } from '../common/cache-invalidation-channel.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { ListCache, type ListChange } from './list-cache.js';

const CHANNEL = 'facegate_lists';

/** What TypeORM tells a subscriber about a written row (the entity is missing or partial for bulk statements). */
interface WriteEvent {
  metadata: EntityMetadata;
  queryRunner: QueryRunner;
  entity?: ObjectLiteral;
  databaseEntity?: ObjectLiteral;
}

/**
 * Drops the ListCache's pages of an organisation on every instance when a row of a watched entity (people and
 * departments: whatever the cached lists show) is inserted, updated or deleted through TypeORM (entity saves and
 * removals, and insert, update and delete statements of its query builder), by whatever code path. Raw SQL and a
 * foreign key's ON DELETE SET NULL raise no event: nothing writes those rows so, and the cache's 30 s limit bounds
 * what one would leave.
 *
 * This instance drops the pages once the writing transaction commits, so the next request after a change already
 * reads it; on PostgreSQL the change is also sent with `pg_notify`, which PostgreSQL delivers to every instance's
 * listening connection at commit and never for a rolled-back transaction. While that connection is down an
 * instance caches nothing, and after it reconnects it starts from an empty cache, so no message can be missed. A
 * write whose organisation is unknown (a bulk update or delete statement) drops every organisation's pages.
 */
@Injectable()
export class ListInvalidation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ListInvalidation.name);
  private readonly channel: CacheInvalidationChannel<ListChange>;
  private readonly watched = new Set<EntityMetadata['target']>();

  constructor(
    private readonly cache: ListCache,
    private readonly hooks: TransactionHooks,
    dataSource: DataSource,
    config: AppConfig,
  ) {
    // Every entity's writes pass here (presence events, audit rows, ...): only watched ones cost more than a lookup.
    const written = (event: WriteEvent) => (this.watched.has(event.metadata.target) ? this.written(event) : undefined);
    dataSource.subscribers.push({
      afterInsert: written,
      afterUpdate: written,
      afterRemove: written,
      afterSoftRemove: written,
      afterRecover: written,
    });
    this.channel = new CacheInvalidationChannel({
      cache,
      databaseUrl: config.databaseUrl,
      channel: CHANNEL,
      label: 'List invalidation channel',
      logger: this.logger,
    });
  }

  /** Every write of these entities' rows drops the cached lists of the row's organisation. */
  watch(...targets: EntityMetadata['target'][]): void {
    for (const target of targets) this.watched.add(target);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.channel.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.channel.stop();
  }

  private async written(event: WriteEvent): Promise<void> {
    const organizationId: unknown = (event.entity ?? event.databaseEntity)?.organizationId;
    const change: ListChange = typeof organizationId === 'string' ? { organizationId } : { all: true };
    // The statement's own connection: on the embedded database another one would wait for this one.
    const manager = event.queryRunner.manager;
    await this.channel.send(manager, change);
    await this.hooks.afterCommit(manager, () => this.cache.drop(change));
  }
}
