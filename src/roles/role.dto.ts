import { ApiProperty } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { ALL_PERMISSIONS, type Permission } from '../access/permissions.js';
import { Optional } from '../common/optional.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';
import { PageQuery } from '../common/pagination.js';

export class CreateRoleDto {
  /** Lower-case letters, digits and underscores; must not be a built-in role name. */
  @Matches(/^[a-z][a-z0-9_]{1,49}$/, { message: 'name must be 2-50 lower-case letters, digits or underscores' })
  name: string;

  @Optional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ enum: ALL_PERMISSIONS, enumName: 'Permission', isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(ALL_PERMISSIONS, { each: true })
  permissions: Permission[];
}

export class UpdateRoleDto {
  @Optional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiProperty({ enum: ALL_PERMISSIONS, enumName: 'Permission', isArray: true, required: false })
  @Optional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ALL_PERMISSIONS, { each: true })
  permissions?: Permission[];
}

export class RoleDto {
  /** Null for built-in roles. */
  id: string | null;
  name: string;
  description: string | null;
  built_in: boolean;
  @ApiProperty({ enum: ALL_PERMISSIONS, enumName: 'Permission', isArray: true })
  permissions: string[];
  created_at: Date | null;
  updated_at: Date | null;
}

export const ROLE_ORDERINGS = orderingsOf(['name'] as const);
export type RoleOrdering = (typeof ROLE_ORDERINGS)[number];

export class RoleQuery extends PageQuery {
  /** Default: built-in roles first, then custom roles by name; `name`/`-name` sorts all roles by name. */
  @OrderingParam(ROLE_ORDERINGS, 'RoleOrdering', 'name')
  ordering?: RoleOrdering;
}
