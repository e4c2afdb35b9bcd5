import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  isISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  buildMessage,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsDateInRange } from '../common/date-range.js';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import type { Employee, EmployeeKind } from './employee.entity.js';
import { trim, toBoolean } from '../common/transforms.js';

export const EMPLOYEE_KINDS = ['employee', 'student'] as const satisfies readonly EmployeeKind[];
export const GENDERS = ['male', 'female', 'other', 'undisclosed'] as const;
export const EMPLOYMENT_TYPES = ['full_time', 'part_time', 'contract', 'intern', 'temporary'] as const;
export const EMPLOYEE_ORDERINGS = ['name', '-name', 'code', '-code', 'created_at', '-created_at'] as const;
export type EmployeeOrdering = (typeof EMPLOYEE_ORDERINGS)[number];

const CODE = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$/;
const PHONE = /^\+?\d{10,15}$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** Drops the spaces, dots, dashes and brackets people type into phone numbers: `+1 (555) 010-9999` → `+15550109999`. */
const compactPhone = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/[\s().-]/g, '') : value;

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
function IsDateOnly(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateOnly',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && DATE_ONLY.test(value) && isISO8601(value, { strict: true }),
        defaultMessage: buildMessage((each) => `${each}$property must be a date as YYYY-MM-DD`, options),
      },
    },
    options,
  );
}

/** A date strictly before today (UTC). */
function IsPastDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPastDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value < new Date().toISOString().slice(0, 10),
        defaultMessage: buildMessage((each) => `${each}$property must be in the past`, options),
      },
    },
    options,
  );
}

/** A JSON object whose serialised form stays under `maxBytes`. */
function IsSmallJson(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSmallJson',
      validator: {
        validate: (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '') <= maxBytes,
        defaultMessage: buildMessage((each) => `${each}$property must be at most ${maxBytes} bytes of JSON`, options),
      },
    },
    options,
  );
}

export class EmergencyContactDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** 10-15 digits, optional leading `+`. */
  @Transform(compactPhone)
  @Matches(PHONE, { message: 'phone must be 10-15 digits with an optional leading +' })
  phone: string;

  /** `spouse`, `parent`, …; null when not given. */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  relation?: string | null;
}

export class CreateEmployeeDto {
  /**
   * Unique in the organisation (case-insensitive). Generated as `{DEPT}-{YEAR}-{SEQ}` (`ENG-2026-0001`, `GEN-…`
   * without a department; YEAR from joining_date, else this year) when left out.
   */
  @Optional()
  @Transform(trim)
  @Matches(CODE, { message: 'code must be 1-50 letters, digits, . _ / or -, starting with a letter or digit' })
  code?: string;

  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  first_name: string;

  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  last_name?: string;

  @ApiProperty({ enum: EMPLOYEE_KINDS, enumName: 'EmployeeKind', required: false, default: 'employee' })
  @Optional()
  @IsIn(EMPLOYEE_KINDS)
  kind?: EmployeeKind;

  /** Unique in the organisation (case-insensitive), stored lower-case; null clears it. */
  @IsOptional()
  @Transform(lowerTrim)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email?: string | null;

  /** 10-15 digits, optional leading `+` (spaces, dashes and brackets are dropped); null clears it. */
  @IsOptional()
  @Transform(compactPhone)
  @Matches(PHONE, { message: 'phone must be 10-15 digits with an optional leading +' })
  phone?: string | null;

  @ApiProperty({ enum: GENDERS, enumName: 'Gender', required: false, nullable: true })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: (typeof GENDERS)[number] | null;

  /** `YYYY-MM-DD`, in the past. */
  @ApiProperty({ type: String, format: 'date', required: false, nullable: true })
  @IsOptional()
  @IsDateOnly()
  @IsDateInRange()
  @IsPastDate()
  date_of_birth?: string | null;

  /** A department of the organisation; null clears it. */
  @IsOptional()
  @IsUUID()
  department_id?: string | null;

  /** A shift of the organisation; null clears it. */
  @IsOptional()
  @IsUUID()
  shift_id?: string | null;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  designation?: string | null;

  @ApiProperty({ enum: EMPLOYMENT_TYPES, enumName: 'EmploymentType', required: false, nullable: true })
  @IsOptional()
  @IsIn(EMPLOYMENT_TYPES)
  employment_type?: (typeof EMPLOYMENT_TYPES)[number] | null;

  /** `YYYY-MM-DD`. */
  @ApiProperty({ type: String, format: 'date', required: false, nullable: true })
  @IsOptional()
  @IsDateOnly()
  @IsDateInRange()
  joining_date?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  address?: string | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EmergencyContactDto)
  emergency_contact?: EmergencyContactDto | null;

  /** The person's own login (a user of the organisation, linked to no other person), for self-service. */
  @IsOptional()
  @IsUUID()
  user_id?: string | null;

  /** Free-form JSON object (at most 10 kB); a PATCH replaces it whole. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @Optional()
  @IsObject()
  @IsSmallJson(10_000)
  metadata?: Record<string, unknown>;

  @Optional()
  @IsBoolean()
  is_active?: boolean;
}

export class UpdateEmployeeDto extends CreateEmployeeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  declare first_name: string;
}

export class EmployeeQuery extends PageQuery {
  /** Only people of this department. */
  @Optional()
  @IsUUID()
  department_id?: string;

  /** Deprecated alias of `department_id`, kept for older clients. */
  @ApiProperty({ required: false, deprecated: true, format: 'uuid' })
  @Optional()
  @IsUUID()
  department?: string;

  @ApiProperty({ enum: EMPLOYEE_KINDS, enumName: 'EmployeeKind', required: false })
  @Optional()
  @IsIn(EMPLOYEE_KINDS)
  kind?: EmployeeKind;

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_active?: boolean;

  /** Matches first name, last name, full name, code or email (case-insensitive substring). */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;

  /** `name` (default), `code` or `created_at`; a leading `-` sorts descending. */
  @ApiProperty({ enum: EMPLOYEE_ORDERINGS, enumName: 'EmployeeOrdering', required: false, default: 'name' })
  @Optional()
  @IsIn(EMPLOYEE_ORDERINGS)
  ordering: EmployeeOrdering = 'name';

  /** Also count `facets` over every match (totals, activity, departments, enrollment); off unless asked. */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  facets?: boolean;
}

export class DeleteEmployeeQuery {
  /**
   * Also remove the person's record itself (their name, code and contact details), not only their face data.
   * Face photos, templates and search entries are erased on every delete.
   */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  erase?: boolean;
}

export function applyEmployeeInput(employee: Employee, input: UpdateEmployeeDto): Employee {
  if (input.code !== undefined) employee.code = input.code;
  if (input.first_name !== undefined) employee.firstName = input.first_name;
  if (input.last_name !== undefined) employee.lastName = input.last_name;
  if (input.kind !== undefined) employee.kind = input.kind;
  if (input.email !== undefined) employee.email = input.email;
  if (input.phone !== undefined) employee.phone = input.phone;
  if (input.gender !== undefined) employee.gender = input.gender;
  if (input.date_of_birth !== undefined) employee.dateOfBirth = input.date_of_birth;
  if (input.department_id !== undefined) employee.departmentId = input.department_id;
  if (input.shift_id !== undefined) employee.shiftId = input.shift_id;
  if (input.designation !== undefined) employee.designation = input.designation;
  if (input.employment_type !== undefined) employee.employmentType = input.employment_type;
  if (input.joining_date !== undefined) employee.joiningDate = input.joining_date;
  if (input.address !== undefined) employee.address = input.address;
  if (input.emergency_contact !== undefined) {
    const contact = input.emergency_contact;
    employee.emergencyContact = contact && {
      name: contact.name,
      phone: contact.phone,
      ...(contact.relation ? { relation: contact.relation } : {}),
    };
  }
  if (input.user_id !== undefined) employee.userId = input.user_id;
  if (input.metadata !== undefined) employee.metadata = input.metadata;
  if (input.is_active !== undefined) employee.isActive = input.is_active;
  return employee;
}
