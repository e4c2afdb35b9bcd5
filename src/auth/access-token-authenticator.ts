import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import type { AccessTokenPayload } from './auth.dto.js';
import { AuthUserResolver } from './auth-user.resolver.js';

/** At most this many checked tokens are kept (a few MB); the oldest goes first. */
const MAX_SIGNED_TOKENS = 10_000;

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
  /**
   * Tokens whose signature has been checked, with their claims, until they expire: a token cannot change, so its
   * HMAC need not be computed on each of its requests (about 4% of a list request's CPU). What can change behind a
   * token (the user's version and state, the login, the organisation) is still checked every time, by the resolver.
   */
  private readonly signed = new Map<string, AccessTokenPayload>();

  constructor(
    private readonly jwt: JwtService,
    private readonly resolver: AuthUserResolver,
  ) {}

  async authenticate(token: string, requestedOrganizationId?: string): Promise<AccessTokenHolder> {
    const checked = this.signed.get(token);
    if (checked && (checked.exp ?? 0) * 1000 <= Date.now()) {
      this.signed.delete(token);
      throw ApiError.unauthorized('token_expired', 'The access token has expired');
    }
    const payload = checked ?? (await this.verify(token));
    const user = await this.resolver.resolve(payload, requestedOrganizationId);
    // resolve() refuses a token without `exp`, so it is set here.
    return { user, familyId: payload.fam, expiresAt: new Date((payload.exp ?? 0) * 1000) };
  }

  /** The token's claims once its signature and expiry are checked; kept for its next requests (see `signed`). */
  private async verify(token: string): Promise<AccessTokenPayload> {
    let payload: AccessTokenPayload;
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload & object>(token, { algorithms: ['HS256'] });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw ApiError.unauthorized('token_expired', 'The access token has expired');
      }
      throw ApiError.unauthorized('invalid_token', 'The access token is not valid');
    }
    if (typeof payload.exp === 'number') {
      if (this.signed.size >= MAX_SIGNED_TOKENS) this.signed.delete(this.signed.keys().next().value!);
      this.signed.set(token, payload);
    }
    return payload;
  }
}
