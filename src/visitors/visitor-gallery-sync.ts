import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { VisitorGallery } from './visitor-gallery.js';

const CHANNEL = 'facegate_visitor_gallery';
const RECONNECT_MS = 1000;

/** A committed change of the visitors' searchable faces, as the other instances apply it. */
export type VisitorGalleryChange =
  | { op: 'refresh'; organizationId: string; faceIds: string[] }
  | { op: 'remove_visitor'; organizationId: string; visitorId: string };

/**
 * Keeps every instance's visitors' gallery in step on one PostgreSQL database, as GallerySync does the employees':
 * each change is sent with `pg_notify` in the transaction that makes it (delivered at commit, never for a rollback);
 * the instance that made it applies it itself after commit. An instance that lost its listening connection reloads
 * the whole gallery. Enrollment at one desk is searchable at the others; the retention job's erasures, wherever they
 * run, leave no face searchable anywhere. The embedded database serves one instance and needs none of this.
 */
@Injectable()
export class VisitorGallerySync implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(VisitorGallerySync.name);
  /** Tells this instance's own messages apart. */
  private readonly origin = randomUUID();
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly gallery: VisitorGallery,
    private readonly config: AppConfig,
  ) {}

  /** Listens before the gallery loads at bootstrap: changes that arrive during the load wait for it. */
  async onModuleInit(): Promise<void> {
    if (this.config.databaseUrl) await this.listen(false);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Sends a change made in `manager`'s transaction (or at once, outside one) to the other instances. */
  async announce(manager: EntityManager, change: VisitorGalleryChange): Promise<void> {
    if (!this.config.databaseUrl) return;
    await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...change, origin: this.origin })]);
  }

  private async apply(change: VisitorGalleryChange): Promise<void> {
    await this.gallery.whenLoaded();
    if (change.op === 'refresh') await this.gallery.refresh(change.organizationId, change.faceIds);
    else this.gallery.removeVisitor(change.organizationId, change.visitorId);
  }

  private async listen(reloadFirst: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const change = JSON.parse(message.payload) as VisitorGalleryChange & { origin: string };
      if (change.origin === this.origin) return;
      this.apply(change).catch((error: Error) => {
        this.logger.warn(`Visitor gallery change not applied (${error.message}); reloading the gallery`);
        void this.gallery.reload();
      });
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
      // Listening again after a loss: changes made meanwhile were missed, so start from what is stored.
      if (reloadFirst) await this.gallery.reload();
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.listener !== client && this.listener !== undefined) return;
    this.listener = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    if (error) this.logger.warn(`Visitor gallery channel lost: ${(error as Error).message}; reconnecting`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(true), RECONNECT_MS);
  }
}
