import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { NotificationChannel } from '../common/notification-channel.js';
import { VisitorGallery } from './visitor-gallery.js';

const CHANNEL = 'facegate_visitor_gallery';

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
  private readonly channel: NotificationChannel | undefined;

  constructor(
    private readonly gallery: VisitorGallery,
    config: AppConfig,
  ) {
    if (!config.databaseUrl) return;
    this.channel = new NotificationChannel({
      databaseUrl: config.databaseUrl,
      channel: CHANNEL,
      label: 'Visitor gallery channel',
      logger: this.logger,
      onMessage: (payload) => this.received(payload),
      // Listening again after a loss: changes made meanwhile were missed, so start from what is stored.
      onListening: async (afterLoss) => {
        if (afterLoss) await this.gallery.reload();
      },
    });
  }

  /** Listens before the gallery loads at bootstrap: changes that arrive during the load wait for it. */
  async onModuleInit(): Promise<void> {
    await this.channel?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.stop();
  }

  /** Sends a change made in `manager`'s transaction (or at once, outside one) to the other instances. */
  async announce(manager: EntityManager, change: VisitorGalleryChange): Promise<void> {
    await this.channel?.send(manager, { ...change, origin: this.origin });
  }

  private received(payload: string): void {
    const change = JSON.parse(payload) as VisitorGalleryChange & { origin: string };
    if (change.origin === this.origin) return;
    this.apply(change).catch((error: Error) => {
      this.logger.warn(`Visitor gallery change not applied (${error.message}); reloading the gallery`);
      void this.gallery.reload();
    });
  }

  private async apply(change: VisitorGalleryChange): Promise<void> {
    await this.gallery.whenLoaded();
    if (change.op === 'refresh') await this.gallery.refresh(change.organizationId, change.faceIds);
    else this.gallery.removeVisitor(change.organizationId, change.visitorId);
  }
}
