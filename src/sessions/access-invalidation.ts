import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { AccessCache, type AccessChange } from './access-cache.js';

const CHANNEL = 'facegate_access';
const RECONNECT_MS = 1000;

/**
 * Tells every instance's AccessCache that a user, a login (refresh family) or an organisation changed.
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
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly cache: AccessCache,
    private readonly hooks: TransactionHooks,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databaseUrl) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Records a change made in `manager`'s transaction (or, outside one, applies it at once). */
  async announce(manager: EntityManager, change: AccessChange): Promise<void> {
    if (this.config.databaseUrl) await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]);
    await this.hooks.afterCommit(manager, () => this.cache.drop(change));
  }

  private async listen(): Promise<void> {
    this.cache.setEnabled(false);
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        this.cache.drop(JSON.parse(message.payload) as AccessChange);
      } catch {
        this.cache.drop({ all: true });
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
      this.cache.setEnabled(true);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.listener !== client && this.listener !== undefined) return;
    this.listener = undefined;
    this.cache.setEnabled(false);
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (error) this.logger.warn(`Access invalidation channel lost: ${(error as Error).message}; reconnecting`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
  }
}
