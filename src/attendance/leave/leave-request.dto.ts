import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsDateInRange } from '../../common/date-range.js';
import { Optional } from '../../common/optional.js';
import { PageQuery } from '../../common/pagination.js';
import { trim } from '../../common/transforms.js';
import { PersonIdentityDto } from '../../employees/employee-response.dto.js';
import {
  LEAVE_STATUSES,
  LEAVE_TYPES,
  type LeaveRequest,
  type LeaveStatus,
  type LeaveType,
} from './leave-request.entity.js';
import { QueryDay } from '../../common/date-query.js';
import { OrderingParam, orderingsOf } from '../../common/ordering.js';

export class CreateLeaveRequestDto {
  /** The person on leave; only callers with `attendance:write` may name someone else. Default: the caller's person. */
  @Optional()
  @IsUUID()
  employee_id?: string;

  @ApiProperty({ enum: LEAVE_TYPES, enumName: 'LeaveType' })
  @IsIn(LEAVE_TYPES)
  leave_type: LeaveType;

  /** First day, `YYYY-MM-DD`. */
  @IsDateString({ strict: true })
  @IsDateInRange()
  start_date: string;

  /** Last day (inclusive), `YYYY-MM-DD`. */
  @IsDateString({ strict: true })
  @IsDateInRange()
  end_date: string;

  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class LeaveDecisionDto {
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export const LEAVE_REQUEST_ORDERINGS = orderingsOf(['start_date', 'created_at', 'status'] as const);
export type LeaveRequestOrdering = (typeof LEAVE_REQUEST_ORDERINGS)[number];

export class LeaveRequestQuery extends PageQuery {
  @OrderingParam(LEAVE_REQUEST_ORDERINGS, 'LeaveRequestOrdering', '-start_date')
  ordering: LeaveRequestOrdering = '-start_date';
  @Optional()
  @IsUUID()
  employee_id?: string;

  @ApiPropertyOptional({ enum: LEAVE_STATUSES, enumName: 'LeaveStatus' })
  @Optional()
  @IsIn(LEAVE_STATUSES)
  status?: LeaveStatus;

  @QueryDay('Requests that reach this day or later (`YYYY-MM-DD`).')
  date_from?: string;

  @QueryDay('Requests that start on this day or earlier (`YYYY-MM-DD`, inclusive).')
  date_to?: string;
}

export class LeaveRequestDto {
  id: string;
  employee_id: string;
  employee: PersonIdentityDto | null;
  @ApiProperty({ enum: LEAVE_TYPES, enumName: 'LeaveType' })
  leave_type: LeaveType;
  @ApiProperty({ type: String, format: 'date' })
  start_date: string;
  @ApiProperty({ type: String, format: 'date' })
  end_date: string;
  reason: string | null;
  @ApiProperty({ enum: LEAVE_STATUSES, enumName: 'LeaveStatus' })
  status: LeaveStatus;
  requested_by: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toLeaveRequestDto(request: LeaveRequest, employee: PersonIdentityDto | null): LeaveRequestDto {
  return {
    id: request.id,
    employee_id: request.employeeId,
    employee,
    leave_type: request.leaveType,
    start_date: request.startDate,
    end_date: request.endDate,
    reason: request.reason,
    status: request.status,
    requested_by: request.requestedBy,
    decided_by: request.decidedBy,
    decided_at: request.decidedAt,
    decision_note: request.decisionNote,
    created_at: request.createdAt,
    updated_at: request.updatedAt,
  };
}
