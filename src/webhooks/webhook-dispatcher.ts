import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.js';
import type { WebhookEventType } from './webhook-events.js';
import { WebhooksRepository } from './webhooks.repository.js';

/**
 * Turns one event into one `webhooks.deliver` job per active webhook of its organisation subscribed to it. Called
 * once the event's transaction has committed, detached from it (an after-commit listener must not wait on the
 * database); a stopping process waits for the events it is still queueing.
 */
@Injectable()
export class WebhookDispatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Queues the deliveries of the event in the background. */
  dispatch(type: WebhookEventType, organizationId: string, data: object): void {
    const task = this.queue(type, organizationId, data).catch((error: unknown) =>
      this.logger.error(
        `Webhook deliveries of ${type} could not be queued`,
        error instanceof Error ? error.stack : String(error),
      ),
    );
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async queue(type: WebhookEventType, organizationId: string, data: object): Promise<void> {
    const webhookIds = await this.webhooks.idsSubscribedTo(organizationId, type);
    if (webhookIds.length === 0) return;
    const body = {
      id: randomUUID(),
      type,
      organization_id: organizationId,
      created_at: new Date().toISOString(),
      data,
    };
    for (const webhookId of webhookIds) {
      await this.jobs.enqueue(
        'webhooks.deliver',
        { webhookId, organizationId, body },
        { organizationId, createdBy: null, idempotencyKey: `${webhookId}:${body.id}` },
      );
    }
  }
}
