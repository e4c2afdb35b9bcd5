import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import passport from 'passport';
import { ExtractJwt } from 'passport-jwt';
import type { AuthUser } from '../access/auth-user.js';
import { AccessTokenAuthenticator } from './access-token-authenticator.js';

type Verify = (request: Request, token: string, done: (error: unknown, user?: AuthUser) => void) => void;

/** `Authorization: Bearer <token>` (passport-jwt's reading of the header). */
const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Passport's side of bearer tokens: finds the token and hands it to the verify callback, which checks it with the
 * AccessTokenAuthenticator (passport-jwt's own strategy would verify the token itself, apart from the sockets).
 */
class BearerTokenStrategy extends passport.Strategy {
  constructor(private readonly verify: Verify) {
    super();
  }

  override authenticate(request: Request): void {
    const token = bearerToken(request);
    if (!token) return this.fail('A bearer access token is required', 401);
    this.verify(request, token, (error, user) => {
      if (error) this.error(error);
      else if (user) this.success(user);
      else this.fail(401);
    });
  }
}

/** The access guard's strategy: the same check of an access token as the Socket.IO handshake's. */
@Injectable()
export class AccessTokenStrategy extends PassportStrategy(BearerTokenStrategy, 'jwt') {
  constructor(private readonly authenticator: AccessTokenAuthenticator) {
    super();
  }

  async validate(request: Request & { sessionFamily?: string }, token: string): Promise<AuthUser> {
    const holder = await this.authenticator.authenticate(token, request.header('x-organization-id'));
    request.sessionFamily = holder.familyId;
    return holder.user;
  }
}
