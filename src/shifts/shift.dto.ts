import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import type { Shift } from './shift.entity.js';
import { Optional } from '../common/optional.js';
import { trim } from '../common/transforms.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class CreateShiftDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  /** `HH:MM`, local time of the organisation. */
  @ApiProperty({ example: '09:00' })
  @Matches(HH_MM, { message: 'start_time must be HH:MM' })
  start_time: string;

  /** `HH:MM`; earlier than start_time means the shift ends the next day. */
  @ApiProperty({ example: '17:30' })
  @Matches(HH_MM, { message: 'end_time must be HH:MM' })
  end_time: string;

  /** Minutes after start_time before a check-in counts as late. */
  @ApiProperty({ type: 'integer', required: false, default: 0 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(240)
  grace_minutes?: number;

  /** ISO weekday numbers, 1 = Monday … 7 = Sunday. */
  @ApiProperty({ type: [Number], required: false, example: [1, 2, 3, 4, 5] })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  working_days?: number[];
}

export class UpdateShiftDto extends CreateShiftDto {
  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  declare name: string;

  @ApiProperty({ example: '09:00', required: false })
  @Optional()
  @Matches(HH_MM, { message: 'start_time must be HH:MM' })
  declare start_time: string;

  @ApiProperty({ example: '17:30', required: false })
  @Optional()
  @Matches(HH_MM, { message: 'end_time must be HH:MM' })
  declare end_time: string;
}

export const SHIFT_ORDERINGS = orderingsOf(['name', 'start_time', 'created_at'] as const);
export type ShiftOrdering = (typeof SHIFT_ORDERINGS)[number];

export class ShiftQuery extends PageQuery {
  @OrderingParam(SHIFT_ORDERINGS, 'ShiftOrdering', 'name')
  ordering: ShiftOrdering = 'name';
}

export class ShiftDto {
  id: string;
  organization_id: string;
  name: string;
  start_time: string;
  end_time: string;
  grace_minutes: number;
  working_days: number[];
  created_at: Date;
  updated_at: Date;
}

export function toShiftDto(shift: Shift): ShiftDto {
  return {
    id: shift.id,
    organization_id: shift.organizationId,
    name: shift.name,
    start_time: shift.startTime,
    end_time: shift.endTime,
    grace_minutes: shift.graceMinutes,
    working_days: [...shift.workingDays].map(Number).sort((a, b) => a - b),
    created_at: shift.createdAt,
    updated_at: shift.updatedAt,
  };
}

export function applyShiftInput(shift: Shift, input: Partial<CreateShiftDto>): Shift {
  if (input.name !== undefined) shift.name = input.name;
  if (input.start_time !== undefined) shift.startTime = input.start_time;
  if (input.end_time !== undefined) shift.endTime = input.end_time;
  if (input.grace_minutes !== undefined) shift.graceMinutes = input.grace_minutes;
  if (input.working_days !== undefined) shift.workingDays = input.working_days;
  return shift;
}
