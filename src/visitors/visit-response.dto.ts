import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../common/page.dto.js';
import { VISIT_STATUSES } from './visit.entity.js';
import type { Visit } from './visit.entity.js';

export class VisitPartyDto {
  id: string;
  full_name: string;
}

export class VisitVisitorDto extends VisitPartyDto {
  company: string | null;
}

export class VisitDto {
  id: string;
  organization_id: string;
  visitor_id: string | null;
  /** null once the visitor was erased. */
  visitor: VisitVisitorDto | null;
  host_employee_id: string | null;
  host: VisitPartyDto | null;
  purpose: string | null;
  floors: string[];
  towers: string[];
  @ApiProperty({ enum: VISIT_STATUSES, enumName: 'VisitStatus' })
  status: string;
  expected_from: Date | null;
  expected_to: Date | null;
  checked_in_at: Date | null;
  checked_out_at: Date | null;
  badge_number: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export class VisitListDto extends PageDto(VisitDto) {}

/** A pre-registration: the visit and its one-time check-in code, shown this once (only its hash is kept). */
export class ExpectedVisitDto {
  visit: VisitDto;
  check_in_code: string;
}

export function toVisitDto(visit: Visit, visitor: VisitVisitorDto | null, host: VisitPartyDto | null): VisitDto {
  return {
    id: visit.id,
    organization_id: visit.organizationId,
    visitor_id: visit.visitorId,
    visitor,
    host_employee_id: visit.hostEmployeeId,
    host,
    purpose: visit.purpose,
    floors: visit.floors,
    towers: visit.towers,
    status: visit.status,
    expected_from: visit.expectedFrom,
    expected_to: visit.expectedTo,
    checked_in_at: visit.checkedInAt,
    checked_out_at: visit.checkedOutAt,
    badge_number: visit.badgeNumber,
    created_by: visit.createdBy,
    created_at: visit.createdAt,
    updated_at: visit.updatedAt,
  };
}
