import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsUUID } from 'class-validator';
import { IsDateInRange } from '../../common/date-range.js';
import { Optional } from '../../common/optional.js';
import { AttendanceCountsDto } from './attendance-counts.js';

export const STATISTICS_GROUPS = ['day', 'week', 'month', 'person', 'department', 'subject'] as const;
export type StatisticsGroup = (typeof STATISTICS_GROUPS)[number];
export const TREND_PERIODS = ['day', 'week', 'month'] as const;
export type TrendPeriod = (typeof TREND_PERIODS)[number];

export class AttendanceStatisticsQuery {
  @ApiPropertyOptional({ enum: STATISTICS_GROUPS, enumName: 'StatisticsGroup', default: 'day' })
  @Optional()
  @IsIn(STATISTICS_GROUPS)
  group_by: StatisticsGroup = 'day';

  /** Default: 30 days before date_to. */
  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_from?: string;

  /** Default: the organisation's local today. */
  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_to?: string;

  @Optional()
  @IsUUID()
  department_id?: string;

  @Optional()
  @IsUUID()
  employee_id?: string;
}

export class StatisticsGroupDto extends AttendanceCountsDto {
  /**
   * What the group is: `YYYY-MM-DD` (day; week: its Monday), `YYYY-MM` (month), the person's or department's id
   * (null for records without a department), or the subject.
   */
  @ApiProperty({ type: String, nullable: true })
  key: string | null;
  /** For people: `2026-W48`, `November 2026`, a person's name and code, a department's name or `Unassigned`. */
  label: string;
}

export class TrendPointDto extends AttendanceCountsDto {
  /** The period's first day, `YYYY-MM-DD`. */
  @ApiProperty({ type: String, format: 'date' })
  period_start: string;
  label: string;
}

export class AttendanceStatisticsDto {
  @ApiProperty({ enum: STATISTICS_GROUPS, enumName: 'StatisticsGroup' })
  group_by: StatisticsGroup;
  @ApiProperty({ type: String, format: 'date' })
  date_from: string;
  @ApiProperty({ type: String, format: 'date' })
  date_to: string;
  overall: AttendanceCountsDto;
  /** Groups with at least one record, in order of time, or of label for people and departments. */
  groups: StatisticsGroupDto[];
  /** The period of each trend point: the grouping's own for day, week and month; else day up to 92 days, then week. */
  @ApiProperty({ enum: TREND_PERIODS, enumName: 'TrendPeriod' })
  trend_period: TrendPeriod;
  /** Every period of the range in order, empty ones with zeros (the first and last may be cut by the range). */
  trend: TrendPointDto[];
}
