import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { CredentialSeal } from '../cameras/credential-seal.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import { WebhookDeliverer, WebhookSecretUnreadable } from './webhook-deliverer.js';
import { toWebhookDeliveryDto, type WebhookDeliveryDto, type WebhookDeliveryQuery } from './webhook-delivery.dto.js';
import {
  type CreatedWebhookDto,
  type CreateWebhookDto,
  toWebhookDto,
  type UpdateWebhookDto,
  type WebhookDto,
  type WebhookQuery,
} from './webhook.dto.js';
import { Webhook } from './webhook.entity.js';
import { PING_EVENT, type WebhookBody } from './webhook-events.js';
import { WebhookSender } from './webhook-sender.js';
import { newWebhookSecret } from './webhook-signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

/** Webhooks of the caller's organisation: CRUD, the delivery log and test pings. Every write is audited. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly seal: CredentialSeal,
    private readonly sender: WebhookSender,
    private readonly deliverer: WebhookDeliverer,
    private readonly audit: AuditService,
  ) {}

  async list(caller: AuthUser, query: WebhookQuery): Promise<PageOf<WebhookDto>> {
    const [rows, count] = await this.webhooks.page(caller.organizationId, query);
    return new PageOf(rows.map(toWebhookDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.getInOrganization(caller.organizationId, id));
  }

  async create(caller: AuthUser, input: CreateWebhookDto): Promise<CreatedWebhookDto> {
    this.assertDeliverable(input.url);
    const id = randomUUID();
    const secret = input.secret ?? newWebhookSecret();
    return this.dataSource.transaction(async (manager) => {
      const webhook = await manager.getRepository(Webhook).save({
        id,
        organizationId: caller.organizationId,
        url: input.url,
        events: input.events,
        description: input.description ?? null,
        sealedSecret: this.seal.sealText(`webhook:${id}`, secret),
        isActive: input.is_active ?? true,
        disabledReason: null,
        disabledAt: null,
        consecutiveFailures: 0,
        lastDeliveryAt: null,
        createdBy: caller.id,
      });
      const dto = toWebhookDto(webhook);
      await this.audit.record(
        {
          action: 'webhook.created',
          entityType: 'webhook',
          entityId: id,
          newValues: { ...dto, secret_generated: input.secret === undefined },
        },
        manager,
      );
      return { ...dto, secret };
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateWebhookDto): Promise<WebhookDto> {
    const webhook = await this.webhooks.getInOrganization(caller.organizationId, id);
    const before = toWebhookDto(webhook);
    if (input.url !== undefined) {
      this.assertDeliverable(input.url);
      webhook.url = input.url;
    }
    if (input.events !== undefined) webhook.events = input.events;
    if (input.description !== undefined) webhook.description = input.description;
    if (input.secret !== undefined) webhook.sealedSecret = this.seal.sealText(`webhook:${id}`, input.secret);
    if (input.is_active !== undefined && input.is_active !== webhook.isActive) {
      webhook.isActive = input.is_active;
      webhook.disabledReason = null;
      webhook.disabledAt = input.is_active ? null : new Date();
      if (input.is_active) webhook.consecutiveFailures = 0;
    }
    const { secret, ...changes } = input;
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Webhook).save(webhook);
      await this.audit.record(
        {
          action: 'webhook.updated',
          entityType: 'webhook',
          entityId: id,
          oldValues: before,
          newValues: { ...changes, ...(secret !== undefined ? { secret_changed: true } : {}) },
        },
        manager,
      );
      return toWebhookDto(saved);
    });
  }

  async remove(caller: AuthUser, id: string): Promise<void> {
    const webhook = await this.webhooks.getInOrganization(caller.organizationId, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Webhook).delete({ id, organizationId: caller.organizationId });
      await this.audit.record(
        { action: 'webhook.deleted', entityType: 'webhook', entityId: id, oldValues: toWebhookDto(webhook) },
        manager,
      );
    });
  }

  async deliveries(caller: AuthUser, id: string, query: WebhookDeliveryQuery): Promise<PageOf<WebhookDeliveryDto>> {
    const webhook = await this.webhooks.getInOrganization(caller.organizationId, id);
    const [rows, count] = await this.webhooks.deliveriesPage(webhook, query);
    return new PageOf(rows.map(toWebhookDeliveryDto), count, query);
  }

  /** Sends a `ping` now, once (no retry, active or not), and answers the logged attempt. */
  async ping(caller: AuthUser, id: string): Promise<WebhookDeliveryDto> {
    const webhook = await this.webhooks.getInOrganization(caller.organizationId, id);
    const body: WebhookBody = {
      id: randomUUID(),
      type: PING_EVENT,
      organization_id: webhook.organizationId,
      created_at: new Date().toISOString(),
      data: { webhook_id: webhook.id, message: 'Test delivery from facegate' },
    };
    try {
      const { delivery } = await this.deliverer.attempt(webhook, body, { counted: false });
      return toWebhookDeliveryDto(delivery);
    } catch (error) {
      if (!(error instanceof WebhookSecretUnreadable)) throw error;
      throw new ApiError(
        HttpStatus.INTERNAL_SERVER_ERROR,
        'webhook_secret_unreadable',
        "The webhook's secret cannot be decrypted: CAMERA_SECRETS_KEY is not the key that sealed it; set a new secret",
      );
    }
  }

  /** 400 for a URL that can never receive webhooks (scheme, literal non-public address). */
  private assertDeliverable(url: string): void {
    const refusal = this.sender.refusal(new URL(url));
    if (refusal === null) return;
    throw ApiError.badRequest('validation_error', 'The URL cannot receive webhooks', [
      { field: 'url', code: 'address_not_allowed', message: refusal },
    ]);
  }
}
