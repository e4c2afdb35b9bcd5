import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { type PageOf, PageQuery } from '../common/pagination.js';
import { CheckInByCodeDto, CreateVisitDto, VisitQuery } from './visit.dto.js';
import { ExpectedVisitDto, VisitDto, VisitListDto } from './visit-response.dto.js';
import { VisitsService } from './visits.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('visits')
@Controller('visits')
export class VisitsController {
  constructor(private readonly visits: VisitsService) {}

  @Get()
  @ApiOperation({ summary: 'Visits, by status, host, visitor and time' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitListDto })
  listVisits(@CurrentUser() user: AuthUser, @Query() query: VisitQuery): Promise<PageOf<VisitDto>> {
    return this.visits.list(user, query);
  }

  /** The evacuation list: every visitor checked in and not out, with host and floors. */
  @Get('on-site')
  @ApiOperation({ summary: 'Visitors on site now' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitListDto })
  listVisitorsOnSite(@CurrentUser() user: AuthUser, @Query() query: PageQuery): Promise<PageOf<VisitDto>> {
    return this.visits.onSite(user, query);
  }

  /** A walk-in, checked in now; the host hears `visitor.checked_in`. A watchlisted visitor: 403 `watchlisted`. */
  @Post()
  @ApiOperation({ summary: 'Checks a visitor in' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ApiCreatedResponse({ type: VisitDto })
  @ApiErrors({ 403: ['watchlisted'], 409: ['already_checked_in'] })
  checkInVisitor(@CurrentUser() user: AuthUser, @Body() body: CreateVisitDto): Promise<VisitDto> {
    return this.visits.checkIn(user, body);
  }

  /** An expected visit and its one-time check-in code, shown only in this answer. */
  @Post('expected')
  @ApiOperation({ summary: 'Pre-registers a visit' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ApiCreatedResponse({ type: ExpectedVisitDto })
  preRegisterVisit(@CurrentUser() user: AuthUser, @Body() body: CreateVisitDto): Promise<ExpectedVisitDto> {
    return this.visits.preRegister(user, body);
  }

  @Post('check-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'Checks an expected visit in with its one-time code' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ApiOkResponse({ type: VisitDto })
  @ApiErrors({ 403: ['watchlisted'], 404: ['invalid_code'], 409: ['already_checked_in'] })
  checkInWithCode(@CurrentUser() user: AuthUser, @Body() body: CheckInByCodeDto): Promise<VisitDto> {
    return this.visits.checkInByCode(user, body);
  }

  @Post(':id/check-out')
  @HttpCode(200)
  @ApiOperation({ summary: 'Checks a visitor out' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ApiOkResponse({ type: VisitDto })
  @ApiErrors({ 409: ['not_checked_in'] })
  checkOutVisit(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<VisitDto> {
    return this.visits.checkOut(user, id);
  }
}
