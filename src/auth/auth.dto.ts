import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import type { Permission } from '../access/permissions.js';
import { IsAcceptablePassword } from '../users/password-policy.js';
import { trim } from '../common/transforms.js';

/** Log in with a username or an email address. */
export class LoginDto {
  @ValidateIf((body: LoginDto) => body.email === undefined)
  @Transform(trim)
  @IsString({ message: 'username or email is required' })
  @IsNotEmpty()
  @MaxLength(254)
  username?: string;

  @ValidateIf((body: LoginDto) => body.username === undefined)
  @Transform(trim)
  @IsEmail({ require_tld: false }, { message: 'email must be an email address (or give username)' })
  @MaxLength(254)
  email?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class RefreshTokenDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refresh_token: string;
}

export class ChangePasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  old_password: string;

  @IsAcceptablePassword()
  new_password: string;
}

export class ForgotPasswordDto {
  @Transform(trim)
  @IsEmail({ require_tld: false })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  token: string;

  @IsAcceptablePassword()
  new_password: string;
}

export class SessionUserDto {
  id: string;
  username: string;
  email: string;
  full_name: string;
  role: string;
  organization_id: string;
  permissions: Permission[];
}

export class TokenPairDto {
  access_token: string;
  refresh_token: string;
  /** Always "bearer". */
  token_type: 'bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
  user: SessionUserDto;
}

export class StatusDto {
  status: string;
  message?: string;
}

export interface AccessTokenPayload {
  sub: string;
  org: string;
  role: string;
  /** The user's token version when issued; a bump revokes every earlier token. */
  ver: number;
  /** The refresh-token family (login) this access token belongs to. */
  fam: string;
  /** Expiry (seconds since the epoch); tokens without one are refused. */
  exp?: number;
}
