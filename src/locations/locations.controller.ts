import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { CreateLocationDto, LocationDto, LocationQuery, UpdateLocationDto } from './location.dto.js';
import { LocationsService } from './locations.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('locations')
@Controller('locations')
export class LocationsController {
  constructor(private readonly locations: LocationsService) {}

  /** Lists the organisation's locations. */
  @Get()
  @Authenticated({ permission: Permission.LocationsRead })
  @ApiOkResponse({ type: PageDto(LocationDto) })
  listLocations(@CurrentUser() user: AuthUser, @Query() query: LocationQuery): Promise<PageOf<LocationDto>> {
    return this.locations.list(user, query);
  }

  /** A location. */
  @Get(':id')
  @Authenticated({ permission: Permission.LocationsRead })
  getLocation(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<LocationDto> {
    return this.locations.get(user, id);
  }

  /** Creates a location (building, floor, coordinates, geofence radius). */
  @Post()
  @Authenticated({ permission: Permission.LocationsWrite })
  createLocation(@CurrentUser() user: AuthUser, @Body() body: CreateLocationDto): Promise<LocationDto> {
    return this.locations.create(user, body);
  }

  /** Changes a location. */
  @Patch(':id')
  @Authenticated({ permission: Permission.LocationsWrite })
  updateLocation(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateLocationDto,
  ): Promise<LocationDto> {
    return this.locations.update(user, id, body);
  }

  /** Deletes a location. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ permission: Permission.LocationsWrite })
  @ApiErrors({ 409: ['in_use'] })
  deleteLocation(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<void> {
    return this.locations.remove(user, id);
  }
}
