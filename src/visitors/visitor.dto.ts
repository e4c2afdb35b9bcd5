import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { trim } from '../common/transforms.js';
import { GENDERS } from '../employees/employee.dto.js';
import { MAX_ID_NUMBER, MIN_PREFIX, VisitorIdNumbers } from './visitor-id-numbers.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

export const ID_TYPES = ['aadhaar', 'passport', 'driving_license', 'voter_id', 'pan', 'national_id', 'other'] as const;
export type IdType = (typeof ID_TYPES)[number];

const PHONE = /^\+?\d{10,15}$/;
/** An ID number after normalisation: letters and digits. */
const ID_NUMBER = new RegExp(`^[A-Z0-9]{${MIN_PREFIX},${MAX_ID_NUMBER}}$`);

const normaliseIdNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? VisitorIdNumbers.normalise(value) : value;
const compactPhone = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/[\s().-]/g, '') : value;
const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** Trims each label and drops duplicates, keeping the first order. */
const labels = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? [...new Set((value as unknown[]).map((item) => (typeof item === 'string' ? item.trim() : item)))]
    : value;

export class CreateVisitorDto {
  /** The number on the visitor's ID (aadhaar, passport, …); spaces and dashes are ignored, letters upper-cased. */
  @ApiProperty({ example: '1234 5678 9012' })
  @Transform(normaliseIdNumber)
  @IsString()
  @Matches(ID_NUMBER, { message: `id_number must be ${MIN_PREFIX}-${MAX_ID_NUMBER} letters or digits` })
  id_number: string;

  @ApiProperty({ enum: ID_TYPES, enumName: 'VisitorIdType', required: false, default: 'national_id' })
  @Optional()
  @IsIn(ID_TYPES)
  id_type?: IdType;

  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  full_name: string;

  @ApiProperty({ enum: GENDERS, enumName: 'Gender', required: false, nullable: true })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: (typeof GENDERS)[number] | null;

  /** 10-15 digits, optional leading `+`. */
  @IsOptional()
  @Transform(compactPhone)
  @Matches(PHONE, { message: 'phone must be 10-15 digits with an optional leading +' })
  phone?: string | null;

  @IsOptional()
  @Transform(lowerTrim)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  purpose_of_visit?: string | null;

  /** A person of the organisation the visitor usually comes to see. */
  @IsOptional()
  @IsUUID()
  host_employee_id?: string | null;

  /** Floor labels of the organisation (GET /meta/floors). */
  @Optional()
  @Transform(labels)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  floors?: string[];

  /** Tower labels of the organisation (GET /meta/towers). */
  @Optional()
  @Transform(labels)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  towers?: string[];

  /** Start of the period the visitor may come (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  duration_from?: string | null;

  /** End of that period; not before duration_from. */
  @IsOptional()
  @IsISO8601({ strict: true })
  duration_to?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string | null;

  /** Admins only (`visitors:view_id_number`): a watchlisted visitor is refused at check-in and raises an alert. */
  @Optional()
  @IsBoolean()
  is_watchlisted?: boolean;

  /** Admins only; why the visitor is watchlisted. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  watchlist_reason?: string | null;
}

export class UpdateVisitorDto extends CreateVisitorDto {
  @ApiProperty({ required: false, example: '1234 5678 9012' })
  @Optional()
  @Transform(normaliseIdNumber)
  @IsString()
  @Matches(ID_NUMBER, { message: `id_number must be ${MIN_PREFIX}-${MAX_ID_NUMBER} letters or digits` })
  declare id_number: string;

  @ApiProperty({ required: false, minLength: 1, maxLength: 200 })
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare full_name: string;
}

export const VISITOR_ORDERINGS = orderingsOf(['full_name', 'last_visit_at', 'created_at'] as const);
export type VisitorOrdering = (typeof VISITOR_ORDERINGS)[number];

export class VisitorQuery extends PageQuery {
  @OrderingParam(VISITOR_ORDERINGS, 'VisitorOrdering', 'full_name')
  ordering: VisitorOrdering = 'full_name';
  /** Matches full name, company or phone (case-insensitive substring). */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @Optional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  is_watchlisted?: boolean;
}

export class SuggestQuery {
  /** The first characters of an ID number (at least 4; spaces and dashes ignored). */
  @Transform(normaliseIdNumber)
  @IsString()
  @Matches(ID_NUMBER, { message: `q must be ${MIN_PREFIX}-${MAX_ID_NUMBER} letters or digits` })
  q: string;
}
