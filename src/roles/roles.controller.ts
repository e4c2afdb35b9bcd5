import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CreateRoleDto, RoleDto, RoleQuery, UpdateRoleDto } from './role.dto.js';
import { RolesService } from './roles.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('roles')
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  /** Lists the built-in roles and the organisation's custom roles with their permissions. */
  @Get()
  @Authenticated({ permission: Permission.RolesRead })
  @ApiOkResponse({ type: PageDto(RoleDto) })
  listRoles(@CurrentUser() user: AuthUser, @Query() query: RoleQuery): Promise<PageOf<RoleDto>> {
    return this.roles.list(user, query);
  }

  /** A role with its permissions. */
  @Get(':id')
  @Authenticated({ permission: Permission.RolesRead })
  getRole(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<RoleDto> {
    return this.roles.get(user, id);
  }

  /** Creates a custom role; it may only hold permissions the caller has. */
  @Post()
  @Authenticated({ permission: Permission.RolesWrite })
  createRole(@CurrentUser() user: AuthUser, @Body() body: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(user, body);
  }

  /** Renames a custom role or changes its permissions (only permissions the caller has). */
  @Patch(':id')
  @Authenticated({ permission: Permission.RolesWrite })
  updateRole(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() body: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(user, id, body);
  }

  /** Deletes a custom role that no user holds (409 otherwise). */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.RolesWrite })
  @ApiErrors({ 409: ['in_use'] })
  deleteRole(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.roles.remove(user, id);
  }
}
