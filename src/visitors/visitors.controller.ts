import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { IdParam } from '../common/id-param.js';
import type { PageOf } from '../common/pagination.js';
import { CreateVisitorDto, SuggestQuery, UpdateVisitorDto, VisitorQuery } from './visitor.dto.js';
import {
  VisitorDto,
  VisitorListDto,
  VisitorLookupDto,
  VisitorPreviewDto,
  VisitorSuggestionDto,
} from './visitor-response.dto.js';
import { VisitorStatsDto } from './visitor-stats.dto.js';
import { VisitorStatsService } from './visitor-stats.service.js';
import { VisitorsService } from './visitors.service.js';

@ApiTags('visitors')
@Controller('visitors')
export class VisitorsController {
  constructor(
    private readonly visitors: VisitorsService,
    private readonly stats: VisitorStatsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Visitors of the organisation, searched by name, company or phone' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitorListDto })
  listVisitors(@CurrentUser() user: AuthUser, @Query() query: VisitorQuery): Promise<PageOf<VisitorDto>> {
    return this.visitors.list(user, query);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Counts of visitors and visits: on site, today, this week, expected, erased by retention' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitorStatsDto })
  getVisitorStats(@CurrentUser() user: AuthUser): Promise<VisitorStatsDto> {
    return this.stats.overview(user);
  }

  /** At most 10 visitors whose ID number starts with `q` (4 characters or more), for the desk's autocomplete. */
  @Get('suggest')
  @ApiOperation({ summary: 'Visitors by a prefix of their ID number' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: [VisitorSuggestionDto] })
  @ApiErrors({ 429: ['too_many_suggestions'] })
  suggestVisitors(@CurrentUser() user: AuthUser, @Query() query: SuggestQuery): Promise<VisitorSuggestionDto[]> {
    return this.visitors.suggest(user, query.q);
  }

  /** 200 with `exists: false` for an unknown number: the desk asks before it registers someone. */
  @Get('by-id-number/:idNumber')
  @ApiOperation({ summary: 'The visitor holding an ID number, with their photos by angle' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitorLookupDto })
  getVisitorByIdNumber(@CurrentUser() user: AuthUser, @Param('idNumber') idNumber: string): Promise<VisitorLookupDto> {
    return this.visitors.lookup(user, idNumber);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One visitor' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitorDto })
  getVisitor(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<VisitorDto> {
    return this.visitors.get(user, id);
  }

  @Get(':id/preview')
  @ApiOperation({ summary: 'A short card of the visitor: name, ID number, latest photo, last visit, watchlist' })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: VisitorPreviewDto })
  previewVisitor(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<VisitorPreviewDto> {
    return this.visitors.preview(user, id);
  }

  @Post()
  @ApiOperation({ summary: 'Registers a visitor' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  createVisitor(@CurrentUser() user: AuthUser, @Body() body: CreateVisitorDto): Promise<VisitorDto> {
    return this.visitors.create(user, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Changes a visitor's details (the watchlist: administrators only)" })
  @Authenticated({ permission: Permission.VisitorsWrite })
  updateVisitor(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateVisitorDto,
  ): Promise<VisitorDto> {
    return this.visitors.update(user, id, body);
  }

  /** Erases the visitor, their photos, templates and search entries; their visits stay without them. */
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erases a visitor' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  deleteVisitor(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.visitors.remove(user, id);
  }
}
