import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsDateString, IsIn, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsDateInRange } from '../../common/date-range.js';
import { Optional } from '../../common/optional.js';
import { PageQuery } from '../../common/pagination.js';
import { trim } from '../../common/transforms.js';
import { DepartmentSummaryDto, PersonIdentityDto } from '../../employees/employee-response.dto.js';
import {
  CLASS_MARK_SOURCES,
  CLASS_MARK_STATUSES,
  type ClassMarkSource,
  type ClassMarkStatus,
  type ClassSessionMark,
} from './class-session-mark.entity.js';
import { CLASS_SESSION_STATUSES, type ClassSession, type ClassSessionStatus } from './class-session.entity.js';
import { toHourMinute } from './class-session-rules.js';

const HOUR_MINUTE = /^([01]\d|2[0-3]):[0-5]\d$/;

export class CreateClassSessionDto {
  /** Whose students attend. Teachers may name only their own departments (see docs/api.md). */
  @IsUUID()
  department_id: string;

  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  subject: string;

  /** `YYYY-MM-DD`, the organisation's local day: not in the past, at most 30 days ahead. */
  @IsDateString({ strict: true })
  @IsDateInRange()
  date: string;

  /** `HH:MM`, organisation-local. */
  @ApiProperty({ example: '09:00', pattern: HOUR_MINUTE.source })
  @Matches(HOUR_MINUTE, { message: 'start_time must be HH:MM' })
  start_time: string;

  /** `HH:MM`, after `start_time` on the same day, at most 4 hours later. */
  @ApiProperty({ example: '10:30', pattern: HOUR_MINUTE.source })
  @Matches(HOUR_MINUTE, { message: 'end_time must be HH:MM' })
  end_time: string;

  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

/** Changes to an active session; new times meet the same rules as at creation. The department stays. */
export class UpdateClassSessionDto {
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  subject?: string;

  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date?: string;

  @ApiPropertyOptional({ example: '09:00', pattern: HOUR_MINUTE.source })
  @Optional()
  @Matches(HOUR_MINUTE, { message: 'start_time must be HH:MM' })
  start_time?: string;

  @ApiPropertyOptional({ example: '10:30', pattern: HOUR_MINUTE.source })
  @Optional()
  @Matches(HOUR_MINUTE, { message: 'end_time must be HH:MM' })
  end_time?: string;

  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class ClassSessionQuery extends PageQuery {
  @Optional()
  @IsUUID()
  department_id?: string;

  /** First day, `YYYY-MM-DD` (inclusive). */
  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_from?: string;

  /** Last day, `YYYY-MM-DD` (inclusive). */
  @Optional()
  @IsDateString({ strict: true })
  @IsDateInRange()
  date_to?: string;

  @ApiPropertyOptional({ enum: CLASS_SESSION_STATUSES, enumName: 'ClassSessionStatus' })
  @Optional()
  @IsIn(CLASS_SESSION_STATUSES)
  status?: ClassSessionStatus;
}

/** The fields of a class photo besides the `image`. */
export class MarkClassPhotoDto {
  /** When the photo was taken (ISO 8601; default: now); decides `present` or `late`. Not in the future. */
  @Optional()
  @Type(() => Date)
  @IsDate()
  @IsDateInRange()
  taken_at?: Date;
}

/** A manual override of one student's mark. */
export class OverrideClassMarkDto {
  @ApiProperty({ enum: CLASS_MARK_STATUSES, enumName: 'ClassMarkStatus' })
  @IsIn(CLASS_MARK_STATUSES)
  status: ClassMarkStatus;

  /** Why; kept on the mark and in the audit trail. */
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason: string;
}

/** A session's attendance: students of the department, and how many of them are marked what. */
export class ClassSessionStatisticsDto {
  /** Active students of the department (a completed session: the students it was closed with). */
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: 'integer' })
  present: number;
  @ApiProperty({ type: 'integer' })
  late: number;
  @ApiProperty({ type: 'integer' })
  absent: number;
  @ApiProperty({ type: 'integer' })
  excused: number;
  /** Students without a mark yet (0 once the session is closed). */
  @ApiProperty({ type: 'integer' })
  unmarked: number;
  /** (present + late) / total, in percent with one decimal. */
  percentage: number;
}

export class ClassSessionDto {
  id: string;
  department_id: string | null;
  department: DepartmentSummaryDto | null;
  subject: string;
  @ApiProperty({ type: String, format: 'date' })
  date: string;
  @ApiProperty({ example: '09:00' })
  start_time: string;
  @ApiProperty({ example: '10:30' })
  end_time: string;
  notes: string | null;
  @ApiProperty({ enum: CLASS_SESSION_STATUSES, enumName: 'ClassSessionStatus' })
  status: ClassSessionStatus;
  created_by: string | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  statistics: ClassSessionStatisticsDto;
}

export class ClassSessionMarkDto {
  id: string;
  employee_id: string;
  /** Who the student is (null once the person is deleted or inactive). */
  employee: PersonIdentityDto | null;
  @ApiProperty({ enum: CLASS_MARK_STATUSES, enumName: 'ClassMarkStatus' })
  status: ClassMarkStatus;
  @ApiProperty({ enum: CLASS_MARK_SOURCES, enumName: 'ClassMarkSource' })
  source: ClassMarkSource;
  /** When the photo was taken, or when the mark was set by hand or by the close. */
  marked_at: Date;
  /** Similarity of the face in the class photo to the student (photo marks), 0..1. */
  similarity: number | null;
  reason: string | null;
  marked_by: string | null;
  updated_at: Date;
}

/** One session with every student's mark. */
export class ClassSessionDetailDto extends ClassSessionDto {
  marks: ClassSessionMarkDto[];
}

/** A student recognised in the class photo. */
export class MarkedStudentDto {
  employee_id: string;
  employee: PersonIdentityDto;
  /** The student's mark in the session (for a repeat, the mark they already had). */
  @ApiProperty({ enum: CLASS_MARK_STATUSES, enumName: 'ClassMarkStatus' })
  status: ClassMarkStatus;
  /** False when the student was already marked (by an earlier photo or by hand): nothing changed. */
  new_mark: boolean;
  similarity: number;
  /** Pixels of the photo: x1, y1, x2, y2. */
  bbox: number[];
}

export class UnrecognizedFaceDto {
  /** Pixels of the photo: x1, y1, x2, y2. */
  bbox: number[];
  /**
   * `below_threshold` (nobody of the class near enough), `matched_another_face`, `no_enrolled_faces`, or `too_small`
   * (under IDENTIFY_MIN_FACE_SIZE: not named; take a closer photo or mark by hand).
   */
  reason: string;
  /** The face crop, served to callers of the organisation. */
  thumbnail_url: string | null;
}

export class SessionAttendanceDto {
  @ApiProperty({ type: 'integer' })
  total: number;
  /** Present or late. */
  @ApiProperty({ type: 'integer' })
  present: number;
  percentage: number;
}

export class ClassPhotoSummaryDto {
  /** Students of this photo with a mark (new or earlier). */
  @ApiProperty({ type: 'integer' })
  total_marked: number;
  @ApiProperty({ type: 'integer' })
  new_marks: number;
  /** Recognised students who were already marked. */
  @ApiProperty({ type: 'integer' })
  duplicate_attempts: number;
  session_attendance: SessionAttendanceDto;
}

export class ClassPhotoMarkResultDto {
  session_id: string;
  processing_time_ms: number;
  @ApiProperty({ type: 'integer' })
  faces_detected: number;
  @ApiProperty({ type: 'integer' })
  faces_recognized: number;
  attendance_marked: MarkedStudentDto[];
  unrecognized: UnrecognizedFaceDto[];
  summary: ClassPhotoSummaryDto;
}

export function toClassSessionDto(
  session: ClassSession,
  department: DepartmentSummaryDto | null,
  statistics: ClassSessionStatisticsDto,
): ClassSessionDto {
  return {
    id: session.id,
    department_id: session.departmentId,
    department,
    subject: session.subject,
    date: session.date,
    start_time: toHourMinute(session.startTime),
    end_time: toHourMinute(session.endTime),
    notes: session.notes,
    status: session.status,
    created_by: session.createdBy,
    closed_at: session.closedAt,
    cancelled_at: session.cancelledAt,
    created_at: session.createdAt,
    updated_at: session.updatedAt,
    statistics,
  };
}

export function toClassSessionMarkDto(mark: ClassSessionMark, employee: PersonIdentityDto | null): ClassSessionMarkDto {
  return {
    id: mark.id,
    employee_id: mark.employeeId,
    employee,
    status: mark.status,
    source: mark.source,
    marked_at: mark.markedAt,
    similarity: mark.similarity,
    reason: mark.reason,
    marked_by: mark.markedBy,
    updated_at: mark.updatedAt,
  };
}
