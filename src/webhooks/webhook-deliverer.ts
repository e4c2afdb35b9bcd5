import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { CredentialSeal } from '../cameras/credential-seal.js';
import { AppConfig } from '../config/app-config.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import type { Webhook } from './webhook.entity.js';
import type { WebhookBody } from './webhook-events.js';
import { WebhookSender } from './webhook-sender.js';
import { webhookHeaders } from './webhook-signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

export const DISABLED_AFTER_FAILURES = 'consecutive_failures';

/** What one attempt did: the logged delivery, and whether the webhook was disabled by it. */
export interface AttemptOutcome {
  delivery: WebhookDelivery;
  disabled: boolean;
}

/** The webhook's stored secret cannot be opened (CAMERA_SECRETS_KEY changed). */
export class WebhookSecretUnreadable extends Error {}

/**
 * One attempt to deliver one body to one webhook: signed, sent, logged in `webhook_deliveries`, and counted. A
 * failure counts towards disabling the webhook (WEBHOOK_DISABLE_AFTER_FAILURES in a row), a success starts the
 * count over; test pings are logged but not counted, so testing a broken receiver cannot disable it.
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhooksRepository,
    private readonly seal: CredentialSeal,
    private readonly sender: WebhookSender,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The secret the webhook signs with. */
  secretOf(webhook: Webhook): string {
    const secret = this.seal.openText(`webhook:${webhook.id}`, webhook.sealedSecret);
    if (secret === null) throw new WebhookSecretUnreadable('The webhook secret cannot be decrypted');
    return secret;
  }

  async attempt(webhook: Webhook, body: WebhookBody, options: { counted: boolean }): Promise<AttemptOutcome> {
    const secret = this.secretOf(webhook);
    const attempt = await this.webhooks.nextAttempt(webhook.id, body.id);
    const json = JSON.stringify(body);
    const result = await this.sender.post(webhook.url, json, webhookHeaders(webhook.id, body.type, secret, json));
    return this.dataSource.transaction(async (manager) => {
      const delivery = await manager.getRepository(WebhookDelivery).save({
        organizationId: webhook.organizationId,
        webhookId: webhook.id,
        eventId: body.id,
        eventType: body.type,
        attempt,
        statusCode: result.statusCode,
        success: result.success,
        durationMs: result.durationMs,
        error: result.error?.slice(0, 1000) ?? null,
      });
      if (!options.counted) return { delivery, disabled: false };
      if (result.success) {
        await this.webhooks.countSuccess(manager, webhook.id);
        return { delivery, disabled: false };
      }
      const failures = await this.webhooks.countFailure(manager, webhook.id);
      const limit = this.config.webhooks.disableAfterFailures;
      if (failures === null || failures < limit) return { delivery, disabled: false };
      const disabled = await this.webhooks.disable(manager, webhook.id, DISABLED_AFTER_FAILURES);
      if (disabled) {
        await this.audit.record(
          {
            action: 'webhook.disabled',
            entityType: 'webhook',
            entityId: webhook.id,
            organizationId: webhook.organizationId,
            userId: null,
            oldValues: { is_active: true },
            newValues: { is_active: false, disabled_reason: DISABLED_AFTER_FAILURES, consecutive_failures: failures },
          },
          manager,
        );
        this.logger.warn(
          `webhook.disabled webhook_id=${webhook.id} organization_id=${webhook.organizationId} ` +
            `consecutive_failures=${failures} host=${new URL(webhook.url).host} last_error=${result.error ?? ''}`,
        );
      }
      return { delivery, disabled: true };
    });
  }
}
