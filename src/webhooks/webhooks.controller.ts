import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { WebhookDeliveryDto, WebhookDeliveryQuery } from './webhook-delivery.dto.js';
import { CreatedWebhookDto, CreateWebhookDto, UpdateWebhookDto, WebhookDto, WebhookQuery } from './webhook.dto.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** Lists the organisation's webhooks. */
  @Get()
  @Authenticated({ permission: Permission.WebhooksRead })
  @ApiOkResponse({ type: PageDto(WebhookDto) })
  listWebhooks(@CurrentUser() user: AuthUser, @Query() query: WebhookQuery): Promise<PageOf<WebhookDto>> {
    return this.webhooks.list(user, query);
  }

  /** A webhook (never its secret). */
  @Get(':id')
  @Authenticated({ permission: Permission.WebhooksRead })
  getWebhook(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<WebhookDto> {
    return this.webhooks.get(user, id);
  }

  /** Subscribes a URL to events; the signing secret (given or generated) is answered this once. */
  @Post()
  @Authenticated({ permission: Permission.WebhooksWrite })
  createWebhook(@CurrentUser() user: AuthUser, @Body() body: CreateWebhookDto): Promise<CreatedWebhookDto> {
    return this.webhooks.create(user, body);
  }

  /** Changes a webhook; `is_active: true` turns a disabled one on again. */
  @Patch(':id')
  @Authenticated({ permission: Permission.WebhooksWrite })
  updateWebhook(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return this.webhooks.update(user, id, body);
  }

  /** Deletes a webhook and its delivery log; queued deliveries are dropped. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.WebhooksWrite })
  deleteWebhook(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.webhooks.remove(user, id);
  }

  /** Sends a `ping` event now (once, no retry) and answers the logged attempt, failed or not. */
  @Post(':id/test')
  @HttpCode(200)
  @Authenticated({ permission: Permission.WebhooksWrite })
  testWebhook(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.ping(user, id);
  }

  /** The webhook's delivery attempts, newest first by default. */
  @Get(':id/deliveries')
  @Authenticated({ permission: Permission.WebhooksRead })
  @ApiOkResponse({ type: PageDto(WebhookDeliveryDto) })
  listWebhookDeliveries(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Query() query: WebhookDeliveryQuery,
  ): Promise<PageOf<WebhookDeliveryDto>> {
    return this.webhooks.deliveries(user, id, query);
  }
}
