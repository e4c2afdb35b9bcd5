import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../access/auth-user.js';
import { AppConfig } from '../config/app-config.js';
import type { AccessTokenPayload } from './auth.dto.js';
import { AuthUserResolver } from './auth-user.resolver.js';

/** passport-jwt: verifies the bearer token's HS256 signature and expiry, then resolves the caller. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly resolver: AuthUserResolver,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  validate(request: Request & { sessionFamily?: string }, payload: AccessTokenPayload): Promise<AuthUser> {
    request.sessionFamily = payload.fam;
    return this.resolver.resolve(payload, request.header('x-organization-id'));
  }
}
