import type { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NotificationChannel } from './notification-channel.js';

/** A per-instance cache whose entries other instances' changes drop. */
export interface DroppableCache<Change> {
  drop(change: Change | { all: true }): void;
  setEnabled(enabled: boolean): void;
}

export interface CacheInvalidationOptions<Change> {
  cache: DroppableCache<Change>;
  /** No channel without one (the embedded database has one instance: its own drops are all there is). */
  databaseUrl: string | undefined;
  /** The PostgreSQL channel (a plain identifier). */
  channel: string;
  label: string;
  logger: Logger;
}

/**
 * The changes of a per-instance cache, sent to every instance with `pg_notify` (delivered at commit, never for a
 * rolled-back transaction). While the listening connection is down the cache is disabled (every read loads), and
 * once it listens again the cache starts empty, so a change sent meanwhile cannot leave anything stale.
 */
export class CacheInvalidationChannel<Change extends object> {
  private readonly channel: NotificationChannel | undefined;

  constructor(private readonly options: CacheInvalidationOptions<Change>) {
    const { cache, databaseUrl, channel, label, logger } = options;
    if (!databaseUrl) return;
    this.channel = new NotificationChannel({
      databaseUrl,
      channel,
      label,
      logger,
      onMessage: (payload) => this.received(payload),
      onListening: () => cache.setEnabled(true),
      onLost: () => cache.setEnabled(false),
    });
  }

  /** Listens; nothing is cached until it does. */
  async start(): Promise<void> {
    if (!this.channel) return;
    this.options.cache.setEnabled(false);
    await this.channel.start();
  }

  async stop(): Promise<void> {
    await this.channel?.stop();
  }

  /** Sends `change` to every instance (this one's included) when `manager`'s transaction commits. */
  async send(manager: EntityManager, change: Change): Promise<void> {
    await this.channel?.send(manager, change);
  }

  private received(payload: string): void {
    try {
      this.options.cache.drop(JSON.parse(payload) as Change);
    } catch {
      this.options.cache.drop({ all: true });
    }
  }
}
