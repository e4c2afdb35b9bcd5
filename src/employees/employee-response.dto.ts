import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../common/page.dto.js';
import type { FileUrls } from '../storage/file-urls.js';
import { EMPLOYEE_KINDS, EmergencyContactDto } from './employee.dto.js';
import type { EmergencyContact, Employee, EmployeeKind } from './employee.entity.js';

/** Response shapes of the people API and the mapper from the entity: nothing internal can leak. */

export class DepartmentSummaryDto {
  id: string;
  code: string;
  name: string;
}

export class EmployeeDto {
  id: string;
  organization_id: string;
  code: string;
  first_name: string;
  last_name: string;
  /** First and last name joined. */
  full_name: string;
  @ApiProperty({ enum: EMPLOYEE_KINDS, enumName: 'EmployeeKind' })
  kind: EmployeeKind;
  email: string | null;
  phone: string | null;
  gender: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true })
  date_of_birth: string | null;
  department_id: string | null;
  department: DepartmentSummaryDto | null;
  shift_id: string | null;
  designation: string | null;
  employment_type: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true })
  joining_date: string | null;
  address: string | null;
  emergency_contact: EmergencyContactDto | null;
  user_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata: Record<string, unknown>;
  is_active: boolean;
  /**
   * Signed URL of the primary face photo's thumbnail, for a plain `<img src>` (no token; expires like every
   * signed URL, see docs/api.md); null for people not enrolled.
   */
  thumbnail_url: string | null;
  created_at: Date;
  updated_at: Date;
}

export class EnrollmentSummaryDto {
  /** Face templates stored for the person. */
  @ApiProperty({ type: 'integer' })
  templates: number;
  /** The distinct angles those templates were taken at (`front`, `left`, …), sorted. */
  angles: string[];
}

/** Who a person is, as answers that name a recognised person show it. */
export class PersonIdentityDto {
  id: string;
  code: string;
  full_name: string;
  kind: string;
  department: DepartmentSummaryDto | null;
}

/** One person with their enrollment state, as `GET /employees/:id` and `/employees/me` answer. */
export class EmployeeDetailDto extends EmployeeDto {
  enrollment: EnrollmentSummaryDto;
}

export class DepartmentFacetDto {
  /** null for people without a department. */
  department_id: string | null;
  code: string | null;
  name: string | null;
  @ApiProperty({ type: 'integer' })
  count: number;
}

/** Counts over every person matching the list's filters, before paging. */
export class EmployeeFacetsDto {
  @ApiProperty({ type: 'integer' })
  total: number;
  @ApiProperty({ type: 'integer' })
  active: number;
  @ApiProperty({ type: 'integer' })
  inactive: number;
  by_department: DepartmentFacetDto[];
  /** People with at least one face template. */
  @ApiProperty({ type: 'integer' })
  enrolled: number;
  @ApiProperty({ type: 'integer' })
  not_enrolled: number;
}

export class EmployeeListDto extends PageDto(EmployeeDto) {
  /** Counts over every person matching the filters; only with `facets=true`. */
  facets?: EmployeeFacetsDto;
}

/** `urls` signs the thumbnail's URL; null where no URL belongs (audit entries: a signed URL is a capability). */
export function toEmployeeDto(
  employee: Employee,
  department: DepartmentSummaryDto | null,
  urls: FileUrls | null,
): EmployeeDto {
  return {
    id: employee.id,
    organization_id: employee.organizationId,
    code: employee.code,
    first_name: employee.firstName,
    last_name: employee.lastName,
    full_name: employee.fullName,
    kind: employee.kind,
    email: employee.email,
    phone: employee.phone,
    gender: employee.gender,
    date_of_birth: employee.dateOfBirth,
    department_id: employee.departmentId,
    department:
      employee.departmentId && department ? { id: department.id, code: department.code, name: department.name } : null,
    shift_id: employee.shiftId,
    designation: employee.designation,
    employment_type: employee.employmentType,
    joining_date: employee.joiningDate,
    address: employee.address,
    emergency_contact: toEmergencyContactDto(employee.emergencyContact),
    user_id: employee.userId,
    metadata: employee.metadata,
    is_active: employee.isActive,
    thumbnail_url: urls?.signOptional(employee.organizationId, employee.primaryThumbnailId) ?? null,
    created_at: employee.createdAt,
    updated_at: employee.updatedAt,
  };
}

function toEmergencyContactDto(contact: EmergencyContact | null): EmergencyContactDto | null {
  if (!contact) return null;
  return { name: contact.name ?? '', phone: contact.phone ?? '', relation: contact.relation ?? null };
}

/** Copies the fields a create/update body carries onto the entity (ids already checked by the service). */
