import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import type { Department } from './department.entity.js';
import { Optional } from '../common/optional.js';
import { trim } from '../common/transforms.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

const upperTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toUpperCase() : value);

export class CreateDepartmentDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** 2-16 letters or digits, stored upper-case, unique in the organisation (used in person codes). */
  @Transform(upperTrim)
  @Matches(/^[A-Z0-9]{2,16}$/, { message: 'code must be 2-16 letters or digits' })
  code: string;

  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** A user of the organisation; null clears it. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsUUID()
  manager_id?: string | null;
}

export class UpdateDepartmentDto {
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @Optional()
  @Transform(upperTrim)
  @Matches(/^[A-Z0-9]{2,16}$/, { message: 'code must be 2-16 letters or digits' })
  code?: string;

  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsUUID()
  manager_id?: string | null;
}

export const DEPARTMENT_ORDERINGS = orderingsOf(['name', 'code', 'created_at'] as const);
export type DepartmentOrdering = (typeof DEPARTMENT_ORDERINGS)[number];

export class DepartmentQuery extends PageQuery {
  @OrderingParam(DEPARTMENT_ORDERINGS, 'DepartmentOrdering', 'name')
  ordering: DepartmentOrdering = 'name';
  /** Matches name or code. */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class DepartmentDto {
  id: string;
  organization_id: string;
  name: string;
  code: string;
  description: string | null;
  manager_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toDepartmentDto(department: Department): DepartmentDto {
  return {
    id: department.id,
    organization_id: department.organizationId,
    name: department.name,
    code: department.code,
    description: department.description,
    manager_id: department.managerId,
    created_at: department.createdAt,
    updated_at: department.updatedAt,
  };
}

/** What other features show of a department. */
export interface DepartmentSummary {
  id: string;
  code: string;
  name: string;
}
