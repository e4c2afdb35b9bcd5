import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNumber,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import type { Location } from './location.entity.js';
import { Optional } from '../common/optional.js';
import { trim } from '../common/transforms.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

export const LOCATION_TYPES = [
  'building',
  'floor',
  'room',
  'gate',
  'entrance',
  'classroom',
  'office',
  'campus',
  'other',
] as const;

export class CreateLocationDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: LOCATION_TYPES, enumName: 'LocationType', required: false })
  @Optional()
  @IsIn(LOCATION_TYPES)
  location_type?: (typeof LOCATION_TYPES)[number];

  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @Optional()
  @IsString()
  @MaxLength(200)
  building?: string;

  @Optional()
  @IsString()
  @MaxLength(50)
  floor?: string;

  @Optional()
  @IsString()
  @MaxLength(200)
  area?: string;

  /** Degrees, -90 to 90. */
  @Optional()
  @IsNumber()
  @IsLatitude()
  latitude?: number;

  /** Degrees, -180 to 180. */
  @Optional()
  @IsNumber()
  @IsLongitude()
  longitude?: number;

  /** Metres around latitude/longitude inside which people may check themselves in from a phone (10-50000). */
  @Optional()
  @IsInt()
  @Min(10)
  @Max(50_000)
  geofence_radius_m?: number;
}

export class UpdateLocationDto extends CreateLocationDto {
  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;
}

export const LOCATION_ORDERINGS = orderingsOf(['name', 'created_at'] as const);
export type LocationOrdering = (typeof LOCATION_ORDERINGS)[number];

export class LocationQuery extends PageQuery {
  @OrderingParam(LOCATION_ORDERINGS, 'LocationOrdering', 'name')
  ordering: LocationOrdering = 'name';
  /** Matches name, building or area. */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiProperty({ enum: LOCATION_TYPES, enumName: 'LocationType', required: false })
  @Optional()
  @IsIn(LOCATION_TYPES)
  location_type?: string;
}

export class LocationDto {
  id: string;
  organization_id: string;
  name: string;
  location_type: string;
  description: string | null;
  building: string | null;
  floor: string | null;
  area: string | null;
  latitude: number | null;
  longitude: number | null;
  geofence_radius_m: number | null;
  created_at: Date;
  updated_at: Date;
}

export function toLocationDto(location: Location): LocationDto {
  return {
    id: location.id,
    organization_id: location.organizationId,
    name: location.name,
    location_type: location.locationType,
    description: location.description,
    building: location.building,
    floor: location.floor,
    area: location.area,
    latitude: location.latitude,
    longitude: location.longitude,
    geofence_radius_m: location.geofenceRadiusM,
    created_at: location.createdAt,
    updated_at: location.updatedAt,
  };
}

/** Copies the given fields of a create/update body onto the entity. */
export function applyLocationInput(location: Location, input: Partial<CreateLocationDto>): Location {
  if (input.name !== undefined) location.name = input.name;
  if (input.location_type !== undefined) location.locationType = input.location_type;
  if (input.description !== undefined) location.description = input.description;
  if (input.building !== undefined) location.building = input.building;
  if (input.floor !== undefined) location.floor = input.floor;
  if (input.area !== undefined) location.area = input.area;
  if (input.latitude !== undefined) location.latitude = input.latitude;
  if (input.longitude !== undefined) location.longitude = input.longitude;
  if (input.geofence_radius_m !== undefined) location.geofenceRadiusM = input.geofence_radius_m;
  return location;
}
