import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsUUID } from 'class-validator';
import { IsDateInRange } from '../../common/date-range.js';
import { Optional } from '../../common/optional.js';

export const SUMMARY_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type SummaryPeriod = (typeof SUMMARY_PERIODS)[number];

export class AttendanceSummaryQuery {
  /** Without dates: today (`daily`), the last 7 days (`weekly`) or the last 30 days (`monthly`), local time. */
  @ApiPropertyOptional({ enum: SUMMARY_PERIODS, enumName: 'SummaryPeriod', default: 'daily' })
  @Optional()
  @IsIn(SUMMARY_PERIODS)
  period: SummaryPeriod = 'daily';

  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_from?: string;

  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_to?: string;

  @Optional()
  @IsUUID()
  department_id?: string;
}

export class AttendanceSummaryDto {
  @ApiProperty({ enum: SUMMARY_PERIODS, enumName: 'SummaryPeriod' })
  period: SummaryPeriod;
  @ApiProperty({ type: String, format: 'date' })
  date_from: string;
  @ApiProperty({ type: String, format: 'date' })
  date_to: string;
  /** Records in which the person came: present, late or half day. */
  total_attendances: number;
  /** People with at least one such record. */
  unique_persons: number;
  /** total_attendances over the records of working days (all but weekend and holiday), 0-1; 0 without any. */
  attendance_rate: number;
  /** Attendances by department name (`Unassigned` for people without one). */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  departments: Record<string, number>;
  /** Check-ins by local hour, `HH:00` → count. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' } })
  hourly_distribution: Record<string, number>;
}
