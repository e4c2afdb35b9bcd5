import type { Logger } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';

/** Wait before listening again after the connection was lost. */
const RECONNECT_MS = 1000;

export interface NotificationChannelOptions {
  databaseUrl: string;
  /** The PostgreSQL channel (a plain identifier). */
  channel: string;
  /** Names the channel in log lines ("Gallery channel lost: …"). */
  label: string;
  logger: Logger;
  /** Each message's payload, as sent with `pg_notify`. */
  onMessage(payload: string): void;
  /**
   * Called once the channel listens; `afterLoss` after a lost connection, when messages sent meanwhile were missed
   * (start again from what is stored). A failure here counts as a lost connection: it is tried again.
   */
  onListening?(afterLoss: boolean): Promise<void> | void;
  /** Called when the connection is lost, before it is tried again. */
  onLost?(): void;
}

/**
 * One PostgreSQL connection that LISTENs to a channel and comes back by itself: when it is lost (the database
 * restarted, the network broke), it connects and listens again a second later, for as long as the process runs.
 * What instances tell each other goes through such channels (`pg_notify` in the transaction that makes a change,
 * delivered at commit and never for a rollback); each user decides what a loss means for it.
 */
export class NotificationChannel {
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: NotificationChannelOptions) {}

  /** Listens; resolves once listening or, when the database cannot be reached, once a retry is planned. */
  start(): Promise<void> {
    return this.listen(false);
  }

  /**
   * Sends `message` (as JSON) to every listener of the channel, this instance's included, when `manager`'s
   * transaction commits (at once outside one); never for a rolled-back transaction.
   */
  async send(manager: EntityManager, message: object): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [this.options.channel, JSON.stringify(message)]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(afterLoss: boolean): Promise<void> {
    const { databaseUrl, channel } = this.options;
    const client = new pg.Client({ connectionString: databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload) this.options.onMessage(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      this.client = client;
      await this.options.onListening?.(afterLoss);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client && this.client !== undefined) return;
    this.client = undefined;
    this.options.onLost?.();
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (error) this.options.logger.warn(`${this.options.label} lost: ${(error as Error).message}; reconnecting`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(true), RECONNECT_MS);
  }
}
