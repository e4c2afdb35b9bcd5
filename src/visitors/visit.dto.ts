import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { trim } from '../common/transforms.js';
import { VISIT_STATUSES, type VisitStatus } from './visit.entity.js';
import { QueryTime } from '../common/date-query.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

const labels = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? [...new Set((value as unknown[]).map((item) => (typeof item === 'string' ? item.trim() : item)))]
    : value;

/** What a visit records, for a walk-in check-in and a pre-registration alike. */
class VisitFieldsDto {
  /** The person visited; a pre-registration without one names the caller's own person record. */
  @IsOptional()
  @IsUUID()
  host_employee_id?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  purpose?: string | null;

  @Optional()
  @Transform(labels)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  floors?: string[];

  @Optional()
  @Transform(labels)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  towers?: string[];

  @IsOptional()
  @IsISO8601({ strict: true })
  expected_from?: string | null;

  @IsOptional()
  @IsISO8601({ strict: true })
  expected_to?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  badge_number?: string | null;
}

export class CreateVisitDto extends VisitFieldsDto {
  @IsUUID()
  visitor_id: string;
}

export class CheckInByCodeDto {
  /** The one-time code given at pre-registration (from the kiosk's scan or typed). */
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{8,64}$/, { message: 'code must be the check-in code given at pre-registration' })
  code: string;

  /** The badge handed over at the desk. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(50)
  badge_number?: string | null;
}

export const VISIT_ORDERINGS = orderingsOf(['visit_time', 'created_at'] as const);
export type VisitOrdering = (typeof VISIT_ORDERINGS)[number];

export class VisitQuery extends PageQuery {
  @OrderingParam(VISIT_ORDERINGS, 'VisitOrdering', '-visit_time')
  ordering: VisitOrdering = '-visit_time';
  @ApiProperty({ enum: VISIT_STATUSES, enumName: 'VisitStatus', required: false })
  @Optional()
  @IsIn(VISIT_STATUSES)
  status?: VisitStatus;

  @Optional()
  @IsUUID()
  host_employee_id?: string;

  @Optional()
  @IsUUID()
  visitor_id?: string;

  @QueryTime('from', 'Visits from this time on (check-in time, else expected time, else creation); ISO 8601.')
  date_from?: Date;

  @QueryTime('to', 'Visits up to this time, inclusive (ISO 8601; a bare day includes the whole day, UTC).')
  date_to?: Date;

  /** Deprecated: `date_from`. */
  @QueryTime('from', 'Deprecated alias of `date_from`.')
  from?: Date;

  /** Deprecated: `date_to`. */
  @QueryTime('to', 'Deprecated alias of `date_to`.')
  to?: Date;
}
