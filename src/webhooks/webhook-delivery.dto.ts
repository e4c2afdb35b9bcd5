import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { Optional } from '../common/optional.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';
import { PageQuery } from '../common/pagination.js';
import { toBoolean } from '../common/transforms.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';

export const WEBHOOK_DELIVERY_ORDERINGS = orderingsOf(['created_at'] as const);
export type WebhookDeliveryOrdering = (typeof WEBHOOK_DELIVERY_ORDERINGS)[number];

export class WebhookDeliveryQuery extends PageQuery {
  @OrderingParam(WEBHOOK_DELIVERY_ORDERINGS, 'WebhookDeliveryOrdering', '-created_at')
  ordering: WebhookDeliveryOrdering = '-created_at';

  /** Only the successful (true) or failed (false) attempts. */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  success?: boolean;
}

/** One delivery attempt. */
export class WebhookDeliveryDto {
  id: string;
  webhook_id: string;
  /** The body's `id`: the same at every attempt of one event. */
  event_id: string;
  /** A subscribed event type, or `ping` for a test. */
  event_type: string;
  /** 1 for the first attempt of the event. */
  attempt: number;
  /** The receiver's HTTP status; null when none came (address refused, timeout, connection error). */
  status_code: number | null;
  success: boolean;
  duration_ms: number;
  error: string | null;
  created_at: Date;
}

export function toWebhookDeliveryDto(delivery: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: delivery.id,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    attempt: delivery.attempt,
    status_code: delivery.statusCode,
    success: delivery.success,
    duration_ms: delivery.durationMs,
    error: delivery.error,
    created_at: delivery.createdAt,
  };
}
