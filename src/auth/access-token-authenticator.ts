import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import type { AccessTokenPayload } from './auth.dto.js';
import { AuthUserResolver } from './auth-user.resolver.js';

/** A caller proved by an access token. */
export interface AccessTokenHolder {
  user: AuthUser;
  /** The login (refresh family) the token belongs to. */
  familyId: string;
  /** When the token stops working on its own. */
  expiresAt: Date;
}

/**
 * The one check of an access token, shared by HTTP (the passport strategy) and Socket.IO (the handshake): the
 * HS256 signature and expiry, then the user, organisation and login behind it (AuthUserResolver). A super admin
 * may name another organisation to act in, as with `X-Organization-Id`.
 */
@Injectable()
export class AccessTokenAuthenticator {
  constructor(
    private readonly jwt: JwtService,
    private readonly resolver: AuthUserResolver,
  ) {}

  async authenticate(token: string, requestedOrganizationId?: string): Promise<AccessTokenHolder> {
    let payload: AccessTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload & object>(token, { algorithms: ['HS256'] });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw ApiError.unauthorized('token_expired', 'The access token has expired');
      }
      throw ApiError.unauthorized('invalid_token', 'The access token is not valid');
    }
    const user = await this.resolver.resolve(payload, requestedOrganizationId);
    // resolve() refuses a token without `exp`, so it is set here.
    return { user, familyId: payload.fam, expiresAt: new Date((payload.exp ?? 0) * 1000) };
  }
}
