import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser, Public } from '../access/authenticated.decorator.js';
import { CurrentUserDto } from '../users/user.dto.js';
import {
  ChangePasswordDto,
  ForgotPasswordDto,
  LoginDto,
  RefreshTokenDto,
  ResetPasswordDto,
  StatusDto,
  TokenPairDto,
} from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { PasswordResetService } from './password-reset.service.js';
import { SessionFamily } from './session-family.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
  ) {}

  /**
   * Logs in with a username or email and a password. 5 failed attempts a minute per account (whichever name is
   * typed) or 20 per client address answer 429 with Retry-After until the minute is over.
   */
  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiTooManyRequestsResponse({ description: 'Too many failed logins; see Retry-After' })
  @ApiErrors({
    401: ['invalid_credentials'],
    403: ['account_inactive', 'organization_inactive'],
    429: ['too_many_login_attempts'],
  })
  login(@Body() body: LoginDto): Promise<TokenPairDto> {
    return this.auth.login(body);
  }

  /** Swaps a refresh token for a new access token and a new refresh token; each refresh token works once. */
  @Post('refresh')
  @HttpCode(200)
  @Public()
  @ApiErrors({ 401: ['invalid_token', 'token_reused', 'token_expired', 'account_inactive', 'organization_inactive'] })
  refreshTokens(@Body() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token);
  }

  /** Ends the login the refresh token belongs to. */
  @Post('logout')
  @HttpCode(200)
  @Public()
  @ApiErrors({ 401: ['invalid_token'] })
  logout(@Body() body: RefreshTokenDto): Promise<StatusDto> {
    return this.auth.logout(body.refresh_token);
  }

  /** The caller's account and permissions. */
  @Get('me')
  @Authenticated()
  getCurrentUser(@CurrentUser() user: AuthUser): Promise<CurrentUserDto> {
    return this.auth.me(user);
  }

  /** Changes the caller's password and ends their other logins; 5 wrong old passwords a minute answer 429. */
  @Post('change-password')
  @HttpCode(200)
  @Authenticated()
  @ApiTooManyRequestsResponse({ description: 'Too many wrong old passwords; see Retry-After' })
  @ApiErrors({ 400: ['invalid_password'], 429: ['too_many_password_attempts'] })
  changePassword(
    @CurrentUser() user: AuthUser,
    @SessionFamily() familyId: string | undefined,
    @Body() body: ChangePasswordDto,
  ): Promise<StatusDto> {
    return this.auth.changePassword(user, familyId, body);
  }

  /**
   * Mails a reset token if the address belongs to an active account; the answer is the same either way. At most 3
   * requests per address and 10 per client in 15 minutes.
   */
  @Post('forgot-password')
  @HttpCode(200)
  @Public()
  @ApiTooManyRequestsResponse({ description: 'Too many reset requests; see Retry-After' })
  @ApiErrors({ 429: ['too_many_reset_requests'] })
  forgotPassword(@Body() body: ForgotPasswordDto): Promise<StatusDto> {
    return this.resets.forgotPassword(body.email);
  }

  /** Sets a new password with a reset token; every session of the account ends. */
  @Post('reset-password')
  @HttpCode(200)
  @Public()
  @ApiErrors({ 400: ['invalid_token'] })
  resetPassword(@Body() body: ResetPasswordDto): Promise<StatusDto> {
    return this.resets.resetPassword(body);
  }
}
