import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsDateString, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsDateInRange } from '../common/date-range.js';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { trim } from '../common/transforms.js';
import { PersonIdentityDto } from '../employees/employee-response.dto.js';
import { PresenceEventDto } from '../presence/presence-event.dto.js';
import { ATTENDANCE_SOURCES, type AttendanceRecord, type AttendanceSource } from './attendance-record.entity.js';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from './attendance-rules.js';
import { QueryDay } from '../common/date-query.js';

export const RECORD_ORDERINGS = ['date', '-date', 'check_in_at', '-check_in_at', 'status', '-status'] as const;
export type RecordOrdering = (typeof RECORD_ORDERINGS)[number];

export class AttendanceRecordQuery extends PageQuery {
  @Optional()
  @IsUUID()
  employee_id?: string;

  @Optional()
  @IsUUID()
  department_id?: string;

  @Optional()
  @IsUUID()
  location_id?: string;

  @ApiPropertyOptional({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' })
  @Optional()
  @IsIn(ATTENDANCE_STATUSES)
  status?: AttendanceStatus;

  @QueryDay('First day, `YYYY-MM-DD` (inclusive).')
  date_from?: string;

  @QueryDay('Last day, `YYYY-MM-DD` (inclusive).')
  date_to?: string;

  @ApiPropertyOptional({ enum: RECORD_ORDERINGS, enumName: 'AttendanceRecordOrdering', default: '-date' })
  @Optional()
  @IsIn(RECORD_ORDERINGS)
  ordering: RecordOrdering = '-date';
}

/** A record made by hand: the person, the day, what happened and why. */
export class CreateAttendanceRecordDto {
  @IsUUID()
  employee_id: string;

  /** `YYYY-MM-DD`, the organisation's local day. */
  @IsDateString({ strict: true })
  @IsDateInRange()
  date: string;

  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' })
  @IsIn(ATTENDANCE_STATUSES)
  status: AttendanceStatus;

  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  check_in_at?: Date;

  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  check_out_at?: Date;

  /** Why the record is made by hand; kept on the record and in the audit trail. */
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

/** A correction: any of status and times, always with a reason. */
export class UpdateAttendanceRecordDto {
  @ApiPropertyOptional({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' })
  @Optional()
  @IsIn(ATTENDANCE_STATUSES)
  status?: AttendanceStatus;

  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  check_in_at?: Date;

  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  check_out_at?: Date;

  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

export class AttendanceRecordDto {
  id: string;
  employee_id: string;
  /** Who the person is (null once the person is deleted). */
  employee: PersonIdentityDto | null;
  department_id: string | null;
  @ApiProperty({ type: String, format: 'date' })
  date: string;
  @ApiProperty({ enum: ATTENDANCE_STATUSES, enumName: 'AttendanceStatus' })
  status: AttendanceStatus;
  check_in_at: Date | null;
  check_out_at: Date | null;
  last_seen_at: Date | null;
  work_hours: number | null;
  location_id: string | null;
  camera_id: string | null;
  /** Best match similarity of the day's sightings, 0..1. */
  confidence: number | null;
  liveness_passed: boolean | null;
  @ApiProperty({ enum: ATTENDANCE_SOURCES, enumName: 'AttendanceSource' })
  source: AttendanceSource;
  reason: string | null;
  /** The user who last corrected the record by hand. */
  corrected_by: string | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export class AttendanceRecordDetailDto extends AttendanceRecordDto {
  /** The person's sightings that day, oldest first (at most 200). */
  presence_events: PresenceEventDto[];
}

export function toAttendanceRecordDto(
  record: AttendanceRecord,
  employee: PersonIdentityDto | null,
): AttendanceRecordDto {
  return {
    id: record.id,
    employee_id: record.employeeId,
    employee,
    department_id: record.departmentId,
    date: record.date,
    status: record.status,
    check_in_at: record.checkInAt,
    check_out_at: record.checkOutAt,
    last_seen_at: record.lastSeenAt,
    work_hours: record.workHours,
    location_id: record.locationId,
    camera_id: record.cameraId,
    confidence: record.confidence,
    liveness_passed: record.livenessPassed,
    source: record.source,
    reason: record.reason,
    corrected_by: record.correctedBy,
    closed_at: record.closedAt,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

export class CloseDayDto {
  /** `YYYY-MM-DD`, the organisation's local day to close. */
  @IsDateString({ strict: true })
  @IsDateInRange()
  date: string;
}
