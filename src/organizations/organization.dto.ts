import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsObject,
  IsString,
  IsTimeZone,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import type { Organization } from './organization.entity.js';
import { Optional } from '../common/optional.js';
import { trim } from '../common/transforms.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const ORGANIZATION_TYPES = ['company', 'school', 'university', 'campus', 'government', 'other'] as const;
export const SUBSCRIPTION_TIERS = ['free', 'basic', 'pro', 'enterprise'] as const;

export class WorkingHoursDto {
  /** `HH:MM`, local time of the organisation. */
  @Matches(HH_MM, { message: 'start must be HH:MM' })
  start: string;

  /** `HH:MM`, local time of the organisation. */
  @Matches(HH_MM, { message: 'end must be HH:MM' })
  end: string;
}

export class CreateOrganizationDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** Short unique code, letters, digits, `_` or `-`. */
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_-]{2,32}$/, { message: 'code must be 2-32 letters, digits, _ or -' })
  code: string;

  @Optional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @Optional()
  @IsEmail({ require_tld: false })
  contact_email?: string;

  @Optional()
  @Matches(/^\+?[0-9 ()-]{6,20}$/, { message: 'contact_phone must be a phone number' })
  contact_phone?: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES, enumName: 'OrganizationType', required: false })
  @Optional()
  @IsIn(ORGANIZATION_TYPES)
  organization_type?: (typeof ORGANIZATION_TYPES)[number];

  @ApiProperty({ enum: SUBSCRIPTION_TIERS, enumName: 'SubscriptionTier', required: false })
  @Optional()
  @IsIn(SUBSCRIPTION_TIERS)
  subscription_tier?: (typeof SUBSCRIPTION_TIERS)[number];

  /** IANA time zone, e.g. `Asia/Kolkata`; attendance days are counted in it. */
  @Optional()
  @IsTimeZone()
  timezone?: string;

  @Optional()
  @ValidateNested()
  @Type(() => WorkingHoursDto)
  working_hours?: WorkingHoursDto;

  /** Free-form settings such as `{ "floors": ["G", "1"], "towers": ["A"] }`. */
  @Optional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class UpdateOrganizationDto extends CreateOrganizationDto {
  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;

  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_-]{2,32}$/, { message: 'code must be 2-32 letters, digits, _ or -' })
  declare code: string;

  @Optional()
  @IsBoolean()
  is_active?: boolean;
}

export const ORGANIZATION_ORDERINGS = orderingsOf(['name', 'code', 'created_at'] as const);
export type OrganizationOrdering = (typeof ORGANIZATION_ORDERINGS)[number];

export class OrganizationQuery extends PageQuery {
  @OrderingParam(ORGANIZATION_ORDERINGS, 'OrganizationOrdering', 'name')
  ordering: OrganizationOrdering = 'name';
  /** Matches name or code. */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class OrganizationDto {
  id: string;
  name: string;
  code: string;
  address: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  organization_type: string;
  subscription_tier: string;
  timezone: string;
  working_hours: WorkingHoursDto | null;
  settings: Record<string, unknown>;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

export function toOrganizationDto(organization: Organization): OrganizationDto {
  return {
    id: organization.id,
    name: organization.name,
    code: organization.code,
    address: organization.address,
    contact_email: organization.contactEmail,
    contact_phone: organization.contactPhone,
    organization_type: organization.organizationType,
    subscription_tier: organization.subscriptionTier,
    timezone: organization.timezone,
    working_hours: organization.workingHours,
    settings: organization.settings,
    is_active: organization.isActive,
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}
