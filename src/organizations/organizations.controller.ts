import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import {
  CreateOrganizationDto,
  OrganizationDto,
  OrganizationQuery,
  UpdateOrganizationDto,
} from './organization.dto.js';
import { OrganizationsService } from './organizations.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  /** A super admin lists every organisation; anyone else gets their own. */
  @Get()
  @Authenticated({ permission: Permission.OrganizationsRead })
  @ApiOkResponse({ type: PageDto(OrganizationDto) })
  listOrganizations(
    @CurrentUser() user: AuthUser,
    @Query() query: OrganizationQuery,
  ): Promise<PageOf<OrganizationDto>> {
    return this.organizations.list(user, query);
  }

  /** An organisation: the caller's own, or any for a super admin. */
  @Get(':id')
  @Authenticated({ permission: Permission.OrganizationsRead })
  getOrganization(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<OrganizationDto> {
    return this.organizations.get(user, id);
  }

  /** Creates an organisation (super admin). */
  @Post()
  @Authenticated({ permission: Permission.OrganizationsWrite })
  createOrganization(@Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(body);
  }

  /** Changes an organisation's name, timezone, working hours or settings. */
  @Patch(':id')
  @Authenticated({ permission: Permission.OrganizationsWrite })
  @ApiErrors({ 400: ['forbidden_self_change'] })
  updateOrganization(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateOrganizationDto,
  ): Promise<OrganizationDto> {
    return this.organizations.update(user, id, body);
  }

  /** Deactivates an organisation (super admin). */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.OrganizationsWrite })
  @ApiErrors({ 400: ['forbidden_self_change'] })
  deactivateOrganization(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.organizations.deactivate(user, id);
  }
}
