import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { findInOrganization } from '../common/find-in-organization.js';
import { findPageAndCount } from '../common/page-and-count.js';
import { orderQuery } from '../common/ordering.js';
import type { WebhookDeliveryQuery } from './webhook-delivery.dto.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import type { WebhookQuery } from './webhook.dto.js';
import { Webhook } from './webhook.entity.js';

/** The queries of the `webhooks` and `webhook_deliveries` tables. */
@Injectable()
export class WebhooksRepository {
  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
  ) {}

  /** The organisation's webhook `id`; 404 otherwise. */
  getInOrganization(organizationId: string, id: string): Promise<Webhook> {
    return findInOrganization(this.webhooks, organizationId, id, 'Webhook');
  }

  findInOrganization(organizationId: string, id: string): Promise<Webhook | null> {
    return this.webhooks.findOneBy({ id, organizationId });
  }

  page(organizationId: string, query: WebhookQuery): Promise<[Webhook[], number]> {
    const builder = this.webhooks
      .createQueryBuilder('webhook')
      .where('webhook.organization_id = :organizationId', { organizationId });
    if (query.is_active !== undefined) builder.andWhere('webhook.is_active = :active', { active: query.is_active });
    orderQuery(builder, query.ordering, { created_at: 'webhook.created_at', url: 'webhook.url' }, 'webhook.id');
    return findPageAndCount(builder, query);
  }

  /** Ids of the organisation's active webhooks subscribed to `eventType`, read in `manager`'s transaction. */
  async idsSubscribedTo(manager: EntityManager, organizationId: string, eventType: string): Promise<string[]> {
    const rows = await manager
      .getRepository(Webhook)
      .createQueryBuilder('webhook')
      .select('webhook.id', 'id')
      .where('webhook.organization_id = :organizationId', { organizationId })
      .andWhere('webhook.is_active')
      .andWhere(':eventType = ANY(webhook.events)', { eventType })
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  deliveriesPage(webhook: Webhook, query: WebhookDeliveryQuery): Promise<[WebhookDelivery[], number]> {
    const builder = this.deliveries
      .createQueryBuilder('delivery')
      .where('delivery.webhook_id = :webhookId', { webhookId: webhook.id })
      .andWhere('delivery.organization_id = :organizationId', { organizationId: webhook.organizationId });
    if (query.success !== undefined) builder.andWhere('delivery.success = :success', { success: query.success });
    orderQuery(builder, query.ordering, { created_at: 'delivery.created_at' }, 'delivery.id');
    return findPageAndCount(builder, query);
  }

  /** The attempt number the next delivery of `eventId` to the webhook is. */
  /** Deletes the organisation's delivery log entries older than `before`; answers how many. */
  async deleteDeliveriesBefore(manager: EntityManager, organizationId: string, before: Date): Promise<number> {
    const deleted = await manager
      .createQueryBuilder()
      .delete()
      .from(WebhookDelivery)
      .where('organization_id = :organizationId AND created_at < :before', { organizationId, before })
      .execute();
    return deleted.affected ?? 0;
  }

  async nextAttempt(webhookId: string, eventId: string): Promise<number> {
    return (await this.deliveries.countBy({ webhookId, eventId })) + 1;
  }

  /** Counts one more failure in a row; answers the new count (null when the webhook is gone). */
  async countFailure(manager: EntityManager, webhookId: string): Promise<number | null> {
    const result = await manager
      .createQueryBuilder()
      .update(Webhook)
      .set({ consecutiveFailures: () => 'consecutive_failures + 1', lastDeliveryAt: () => 'now()' })
      .where('id = :webhookId', { webhookId })
      .returning('consecutive_failures')
      .execute();
    const row = (result.raw as { consecutive_failures: number }[])[0];
    return row ? Number(row.consecutive_failures) : null;
  }

  async countSuccess(manager: EntityManager, webhookId: string): Promise<void> {
    await manager
      .getRepository(Webhook)
      .update({ id: webhookId }, { consecutiveFailures: 0, lastDeliveryAt: () => 'now()' });
  }

  /** Turns the webhook off unless it already is; true when this call did. */
  async disable(manager: EntityManager, webhookId: string, reason: string): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Webhook)
      .set({ isActive: false, disabledReason: reason, disabledAt: () => 'now()' })
      .where('id = :webhookId AND is_active', { webhookId })
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
