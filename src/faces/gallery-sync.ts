import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { NotificationChannel } from '../common/notification-channel.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { EmployeeGallery } from './employee-gallery.js';

const CHANNEL = 'facegate_gallery';

/** A committed change of the searchable faces, as the other instances apply it. */
export type GalleryChange =
  | { op: 'refresh'; organizationId: string; templateIds: string[] }
  | { op: 'remove'; organizationId: string; templateIds: string[] }
  | { op: 'remove_person'; organizationId: string; employeeId: string };

/**
 * Keeps every instance's in-memory gallery in step on one PostgreSQL database. Each change is sent with
 * `pg_notify` in the transaction that makes it, so PostgreSQL delivers it to the other instances' listening
 * connections at commit, and never for a rolled-back change; the instance that made it has already applied it.
 * After the listening connection was lost an instance reloads its whole gallery, so no missed change lingers.
 * The embedded database serves one instance and needs none of this.
 */
@Injectable()
export class GallerySync implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(GallerySync.name);
  /** Tells this instance's own messages apart. */
  private readonly origin = randomUUID();
  private readonly channel: NotificationChannel | undefined;

  constructor(
    private readonly gallery: EmployeeGallery,
    config: AppConfig,
  ) {
    if (!config.databaseUrl) return;
    this.channel = new NotificationChannel({
      databaseUrl: config.databaseUrl,
      channel: CHANNEL,
      label: 'Gallery channel',
      logger: this.logger,
      onMessage: (payload) => this.received(payload),
      // Listening again after a loss: changes made meanwhile were missed, so start from what is stored.
      onListening: async (afterLoss) => {
        if (afterLoss) await this.gallery.reload();
      },
    });
  }

  /** Listens before the gallery loads at bootstrap: changes that arrive during the load wait for it, none is lost. */
  async onModuleInit(): Promise<void> {
    await this.channel?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.channel?.stop();
  }

  /** Sends a change made in `manager`'s transaction (or at once, outside one) to the other instances. */
  async announce(manager: EntityManager, change: GalleryChange): Promise<void> {
    await this.channel?.send(manager, { ...change, origin: this.origin });
  }

  @OnDomainEvent('face.enrolled', { phase: 'transaction' })
  async enrolled(event: DomainEvents['face.enrolled'], manager: EntityManager): Promise<void> {
    await this.announce(manager, {
      op: 'refresh',
      organizationId: event.organizationId,
      templateIds: event.templateIds,
    });
  }

  @OnDomainEvent('face.removed', { phase: 'transaction' })
  async removed(event: DomainEvents['face.removed'], manager: EntityManager): Promise<void> {
    await this.announce(manager, {
      op: 'remove',
      organizationId: event.organizationId,
      templateIds: event.templateIds,
    });
  }

  @OnDomainEvent('employee.deleted', { phase: 'transaction' })
  async deleted(event: DomainEvents['employee.deleted'], manager: EntityManager): Promise<void> {
    await this.announce(manager, {
      op: 'remove_person',
      organizationId: event.organizationId,
      employeeId: event.employeeId,
    });
  }

  private received(payload: string): void {
    const change = JSON.parse(payload) as GalleryChange & { origin: string };
    if (change.origin === this.origin) return;
    this.apply(change).catch((error: Error) => {
      this.logger.warn(`Gallery change not applied (${error.message}); reloading the gallery`);
      void this.gallery.reload();
    });
  }

  private async apply(change: GalleryChange): Promise<void> {
    await this.gallery.whenLoaded();
    if (change.op === 'refresh') await this.gallery.refresh(change.organizationId, change.templateIds);
    else if (change.op === 'remove') {
      for (const id of change.templateIds) this.gallery.removeTemplate(change.organizationId, id);
    } else this.gallery.removePerson(change.organizationId, change.employeeId);
  }
}
