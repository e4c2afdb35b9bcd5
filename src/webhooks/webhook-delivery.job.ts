import { Injectable } from '@nestjs/common';
import { OnJob } from '../jobs/on-job.decorator.js';
import { JobCancelled, JobFailure, JobRetryLater } from '../jobs/job-queue.js';
import { WebhookDeliverer, WebhookSecretUnreadable } from './webhook-deliverer.js';
import type { WebhookBody } from './webhook-events.js';
import { WebhooksRepository } from './webhooks.repository.js';

export interface WebhookDeliveryPayload {
  webhookId: string;
  organizationId: string;
  body: WebhookBody;
}

export interface WebhookDeliveryResult {
  [key: string]: unknown;
  status_code: number | null;
  attempt: number;
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'webhooks.deliver': { payload: WebhookDeliveryPayload; result: WebhookDeliveryResult };
  }
}

/**
 * Delivers one event to one webhook. A failed attempt throws, so the queue retries it with exponential back-off
 * (JOB_OPTIONS, WEBHOOK_RETRY_BACKOFF_MS); a webhook that was deleted or disabled meanwhile ends the job
 * `cancelled`, and the attempt that disables it ends it `failed` (no retry).
 */
@Injectable()
export class WebhookDeliveryJob {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  @OnJob('webhooks.deliver')
  async deliver({ webhookId, organizationId, body }: WebhookDeliveryPayload): Promise<WebhookDeliveryResult> {
    const webhook = await this.webhooks.findInOrganization(organizationId, webhookId);
    if (!webhook) throw new JobCancelled('webhook_deleted', 'The webhook was deleted');
    if (!webhook.isActive) throw new JobCancelled('webhook_inactive', 'The webhook is not active');
    let outcome;
    try {
      outcome = await this.deliverer.attempt(webhook, body, { counted: true });
    } catch (error) {
      if (error instanceof WebhookSecretUnreadable) throw new JobFailure('webhook_secret_unreadable', error.message);
      throw error;
    }
    const { delivery, disabled } = outcome;
    if (delivery.success) return { status_code: delivery.statusCode, attempt: delivery.attempt };
    if (disabled) {
      throw new JobFailure('webhook_disabled', 'The webhook was disabled after too many failed deliveries', {
        attempt: delivery.attempt,
        error: delivery.error,
      });
    }
    // The receiver did not take the event: the job runs again after its back-off while attempts are left.
    throw new JobRetryLater('delivery_failed', `Delivery attempt ${delivery.attempt} failed`, {
      attempt: delivery.attempt,
      status_code: delivery.statusCode,
      error: delivery.error,
    });
  }
}
