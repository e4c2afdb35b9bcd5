import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialSeal } from '../cameras/credential-seal.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookDeliveryJob } from './webhook-delivery.job.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { Webhook } from './webhook.entity.js';
import { WebhookEventsListener } from './webhook-events.listener.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Signed HTTP deliveries of domain events to the organisation's subscribed URLs, with retries and a delivery log.
 * Listens to events (no feature imports it; system maintenance trims the delivery log); seals secrets with the
 * cameras' CredentialSeal (same key).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery])],
  controllers: [WebhooksController],
  providers: [
    CredentialSeal,
    WebhooksRepository,
    WebhooksService,
    WebhookSender,
    WebhookDeliverer,
    WebhookDeliveryJob,
    WebhookDispatcher,
    WebhookEventsListener,
  ],
  exports: [WebhooksRepository],
})
export class WebhooksModule {}
