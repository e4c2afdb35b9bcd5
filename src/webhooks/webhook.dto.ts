import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
} from 'class-validator';
import { Optional } from '../common/optional.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';
import { PageQuery } from '../common/pagination.js';
import { toBoolean, trim } from '../common/transforms.js';
import type { Webhook } from './webhook.entity.js';
import { WEBHOOK_EVENTS, type WebhookEventType } from './webhook-events.js';

/** http(s) only, without `user:password@` (it would be stored and listed in the clear; deliveries are signed instead). */
const URL_RULES = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  allow_underscores: true,
  disallow_auth: true,
};
const SECRET_RULE = /^[\x21-\x7e]{16,256}$/;
const SECRET_MESSAGE = 'secret must be 16-256 printable ASCII characters without spaces';

export class CreateWebhookDto {
  /**
   * An http or https URL without credentials in it; literal loopback, private and link-local addresses are refused.
   */
  @Transform(trim)
  @IsUrl(URL_RULES, { message: 'url must be an http or https URL without credentials' })
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEventType', isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events: WebhookEventType[];

  /** The HMAC-SHA256 key of `X-Signature`; generated (and answered once) when left out. */
  @Optional()
  @IsString()
  @Matches(SECRET_RULE, { message: SECRET_MESSAGE })
  secret?: string;

  @Optional()
  @IsString()
  @MaxLength(500)
  description?: string;

  /** Default true. */
  @Optional()
  @IsBoolean()
  is_active?: boolean;
}

export class UpdateWebhookDto {
  @Optional()
  @Transform(trim)
  @IsUrl(URL_RULES, { message: 'url must be an http or https URL without credentials' })
  @MaxLength(2000)
  url?: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEventType', isArray: true, required: false })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: WebhookEventType[];

  /** A new signing secret (it is not answered back). */
  @Optional()
  @IsString()
  @Matches(SECRET_RULE, { message: SECRET_MESSAGE })
  secret?: string;

  @Optional()
  @IsString()
  @MaxLength(500)
  description?: string;

  /** True turns a disabled webhook on again (its failure count starts over). */
  @Optional()
  @IsBoolean()
  is_active?: boolean;
}

export const WEBHOOK_ORDERINGS = orderingsOf(['created_at', 'url'] as const);
export type WebhookOrdering = (typeof WEBHOOK_ORDERINGS)[number];

export class WebhookQuery extends PageQuery {
  @OrderingParam(WEBHOOK_ORDERINGS, 'WebhookOrdering', 'created_at')
  ordering: WebhookOrdering = 'created_at';

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_active?: boolean;
}

export class WebhookDto {
  id: string;
  organization_id: string;
  url: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, enumName: 'WebhookEventType', isArray: true })
  events: WebhookEventType[];
  description: string | null;
  is_active: boolean;
  /** Why the service disabled it (`consecutive_failures`); null when active or turned off by a user. */
  disabled_reason: string | null;
  disabled_at: Date | null;
  /** Failed delivery attempts since the last success. */
  consecutive_failures: number;
  last_delivery_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The create answer: the only time the signing secret is shown. */
export class CreatedWebhookDto extends WebhookDto {
  secret: string;
}

export function toWebhookDto(webhook: Webhook): WebhookDto {
  return {
    id: webhook.id,
    organization_id: webhook.organizationId,
    url: webhook.url,
    events: webhook.events as WebhookEventType[],
    description: webhook.description,
    is_active: webhook.isActive,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt,
    consecutive_failures: webhook.consecutiveFailures,
    last_delivery_at: webhook.lastDeliveryAt,
    created_at: webhook.createdAt,
    updated_at: webhook.updatedAt,
  };
}
