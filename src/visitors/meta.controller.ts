import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { OrganizationsService } from '../organizations/organizations.service.js';

/** The labels the visitor desk offers, from the organisation's settings. */
@ApiTags('visitors')
@Controller('meta')
export class MetaController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get('floors')
  @ApiOperation({ summary: "The organisation's floor labels (settings.floors; default G, 1-15)" })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: [String] })
  async listFloors(@CurrentUser() user: AuthUser): Promise<string[]> {
    return (await this.organizations.buildingLayoutOf(user.organizationId)).floors;
  }

  @Get('towers')
  @ApiOperation({ summary: "The organisation's tower labels (settings.towers; default A-D)" })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiOkResponse({ type: [String] })
  async listTowers(@CurrentUser() user: AuthUser): Promise<string[]> {
    return (await this.organizations.buildingLayoutOf(user.organizationId)).towers;
  }
}
