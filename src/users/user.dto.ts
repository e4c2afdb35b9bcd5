import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import type { Permission } from '../access/permissions.js';
import { PageQuery } from '../common/pagination.js';
import { IsAcceptablePassword } from './password-policy.js';
import type { User } from './user.entity.js';
import { Optional } from '../common/optional.js';
import { trim, toBoolean } from '../common/transforms.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

export class CreateUserDto {
  /** 3-64 letters, digits, `_`, `.` or `-`; unique (case-insensitive). */
  @Transform(trim)
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/, { message: 'username must be 3-64 letters, digits, _ . or -' })
  username: string;

  @Transform(trim)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;

  @IsAcceptablePassword()
  password: string;

  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  full_name: string;

  /** A built-in role or a custom role of the organisation. */
  @IsString()
  @MaxLength(50)
  role: string;

  /** Only a super admin may create users in another organisation; defaults to the caller's. */
  @Optional()
  @IsUUID()
  organization_id?: string;
}

export class UpdateUserDto {
  @Optional()
  @Transform(trim)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email?: string;

  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  full_name?: string;

  @Optional()
  @IsString()
  @MaxLength(50)
  role?: string;

  /** Deactivating revokes every token of the user at once. */
  @Optional()
  @IsBoolean()
  is_active?: boolean;

  /** Sets a new password (admins); the user's tokens are revoked. */
  @Optional()
  @IsAcceptablePassword()
  password?: string;
}

export const USER_ORDERINGS = orderingsOf(['username', 'full_name', 'created_at', 'last_login_at'] as const);
export type UserOrdering = (typeof USER_ORDERINGS)[number];

export class UserQuery extends PageQuery {
  @OrderingParam(USER_ORDERINGS, 'UserOrdering', 'created_at')
  ordering: UserOrdering = 'created_at';
  @Optional()
  @IsString()
  @MaxLength(50)
  role?: string;

  /** Matches username, email or full name (case-insensitive substring). */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_active?: boolean;
}

export class UserDto {
  id: string;
  username: string;
  email: string;
  full_name: string;
  role: string;
  organization_id: string;
  is_active: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export class CurrentUserDto extends UserDto {
  permissions: Permission[];
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    full_name: user.fullName,
    role: user.role,
    organization_id: user.organizationId,
    is_active: user.isActive,
    last_login_at: user.lastLoginAt,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
