import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { CacheInvalidationChannel } from '../common/cache-invalidation-channel.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { AccessCache, type AccessChange } from './access-cache.js';

const CHANNEL = 'facegate_access';

/**
 * Tells every instance's AccessCache that a user, a login (refresh family), an organisation or a camera changed.
 *
 * `announce` is called inside the transaction that makes the change. This instance drops the entries once the
 * transaction commits, so the next request after the change already sees it;
 * on PostgreSQL the same change is sent with `pg_notify`, which PostgreSQL delivers to every instance's
 * listening connection at commit and never for a rolled-back transaction. While that connection is down an
 * instance caches nothing, and after it reconnects it starts from an empty cache, so no message can be missed.
 */
@Injectable()
export class AccessInvalidation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AccessInvalidation.name);
  private readonly channel: CacheInvalidationChannel<AccessChange>;

  constructor(
    readonly cache: AccessCache,
    private readonly hooks: TransactionHooks,
    config: AppConfig,
  ) {
    this.channel = new CacheInvalidationChannel({
      cache,
      databaseUrl: config.databaseUrl,
      channel: CHANNEL,
      label: 'Access invalidation channel',
      logger: this.logger,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.channel.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.channel.stop();
  }

  /** Records a change made in `manager`'s transaction (or, outside one, applies it at once). */
  async announce(manager: EntityManager, change: AccessChange): Promise<void> {
    await this.channel.send(manager, change);
    await this.hooks.afterCommit(manager, () => this.cache.drop(change));
  }
}
