import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CreateUserDto, UpdateUserDto, UserDto, UserQuery } from './user.dto.js';
import { UsersService } from './users.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Lists the organisation's users, filtered by role, activity or a search term. */
  @Get()
  @Authenticated({ permission: Permission.UsersRead })
  @ApiOkResponse({ type: PageDto(UserDto) })
  listUsers(@CurrentUser() user: AuthUser, @Query() query: UserQuery): Promise<PageOf<UserDto>> {
    return this.users.list(user, query);
  }

  /** A user of the organisation. */
  @Get(':id')
  @Authenticated({ permission: Permission.UsersRead })
  getUser(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<UserDto> {
    return this.users.get(user, id);
  }

  /** Creates a user; the role may not carry permissions the caller lacks. */
  @Post()
  @Authenticated({ permission: Permission.UsersWrite })
  createUser(@CurrentUser() user: AuthUser, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(user, body);
  }

  /** Changes a user; a new role, password or deactivation ends the user's sessions. */
  @Patch(':id')
  @Authenticated({ permission: Permission.UsersWrite })
  @ApiErrors({ 400: ['forbidden_self_change'] })
  updateUser(@CurrentUser() user: AuthUser, @IdParam() id: string, @Body() body: UpdateUserDto): Promise<UserDto> {
    return this.users.update(user, id, body);
  }

  /** Deactivates a user: their tokens stop working at once. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.UsersWrite })
  @ApiErrors({ 400: ['forbidden_self_change'] })
  deactivateUser(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.users.deactivate(user, id);
  }
}
