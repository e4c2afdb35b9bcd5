import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.js';
import type { WebhookEventType } from './webhook-events.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * Turns one event into one `webhooks.deliver` job per active webhook of its organisation subscribed to it. The jobs
 * are written in the event's own transaction (an outbox): a committed event's deliveries survive a process that
 * stops right after the commit, and a rolled-back change has none. The queue runs them once it commits.
 */
@Injectable()
export class WebhookDispatcher {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Queues the deliveries of the event in `manager`'s transaction. */
  async dispatch(manager: EntityManager, type: WebhookEventType, organizationId: string, data: object): Promise<void> {
    const webhookIds = await this.webhooks.idsSubscribedTo(manager, organizationId, type);
    if (webhookIds.length === 0) return;
    const body = {
      id: randomUUID(),
      type,
      organization_id: organizationId,
      created_at: new Date().toISOString(),
      data,
    };
    for (const webhookId of webhookIds) {
      await this.jobs.enqueueIn(
        manager,
        'webhooks.deliver',
        { webhookId, organizationId, body },
        { organizationId, createdBy: null, idempotencyKey: `${webhookId}:${body.id}` },
      );
    }
  }
}
