import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import {
  PresenceEventDto,
  PresenceEventQuery,
  ReviewedPresenceEventDto,
  ReviewPresenceEventDto,
} from './presence-event.dto.js';
import { PresenceEventsService } from './presence-events.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('presence')
@Controller('presence-events')
export class PresenceEventsController {
  constructor(private readonly events: PresenceEventsService) {}

  /** Who the organisation's cameras saw, newest first by default, filtered and paged. */
  @Get()
  @ApiOperation({ summary: 'List presence events' })
  @Authenticated({ permission: Permission.PresenceRead })
  @ApiOkResponse({ type: PageDto(PresenceEventDto) })
  listPresenceEvents(
    @CurrentUser() user: AuthUser,
    @Query() query: PresenceEventQuery,
  ): Promise<PageOf<PresenceEventDto>> {
    return this.events.list(user, query);
  }

  /** One presence event with the person seen and the URLs of its face snapshot. */
  @Get(':id')
  @ApiOperation({ summary: 'Get a presence event' })
  @Authenticated({ permission: Permission.PresenceRead })
  getPresenceEvent(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<PresenceEventDto> {
    return this.events.get(user, id);
  }

  /**
   * Reviews an event: `approve`, `reject`, or `assign` it to a person (`employee_id`), optionally enrolling its
   * snapshot as a face template of that person (`add_template`: a job, answered in `enrollment`).
   */
  @Patch(':id')
  @ApiOperation({ summary: 'Review a presence event (approve, reject, assign)' })
  @Authenticated({ permission: Permission.PresenceReview })
  @ApiErrors({ 422: ['no_snapshot', 'liveness_failed', 'no_face_detected', 'multiple_faces', 'low_quality'] })
  reviewPresenceEvent(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: ReviewPresenceEventDto,
  ): Promise<ReviewedPresenceEventDto> {
    return this.events.review(user, id, body);
  }
}
