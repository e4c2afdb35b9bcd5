import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { EmployeeGallery } from './employee-gallery.js';

const CHANNEL = 'facegate_gallery';
const RECONNECT_MS = 1000;

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
  private listener: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly gallery: EmployeeGallery,
    private readonly config: AppConfig,
  ) {}

  /** Listens before the gallery loads at bootstrap: changes that arrive during the load wait for it, none is lost. */
  async onModuleInit(): Promise<void> {
    if (this.config.databaseUrl) await this.listen(false);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
  }

  /** Sends a change made in `manager`'s transaction (or at once, outside one) to the other instances. */
  async announce(manager: EntityManager, change: GalleryChange): Promise<void> {
    if (!this.config.databaseUrl) return;
    await manager.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...change, origin: this.origin })]);
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

  private async apply(change: GalleryChange): Promise<void> {
    await this.gallery.whenLoaded();
    if (change.op === 'refresh') await this.gallery.refresh(change.organizationId, change.templateIds);
    else if (change.op === 'remove') {
      for (const id of change.templateIds) this.gallery.removeTemplate(change.organizationId, id);
    } else this.gallery.removePerson(change.organizationId, change.employeeId);
  }

  private async listen(reloadFirst: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const change = JSON.parse(message.payload) as GalleryChange & { origin: string };
      if (change.origin === this.origin) return;
      this.apply(change).catch((error: Error) => {
        this.logger.warn(`Gallery change not applied (${error.message}); reloading the gallery`);
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
    if (error) this.logger.warn(`Gallery channel lost: ${(error as Error).message}; reconnecting`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(true), RECONNECT_MS);
  }
}
