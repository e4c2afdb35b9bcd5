import { Injectable } from '@nestjs/common';
import { DeviceKeyVerifier } from '../access/device-principal.js';
import { AccessTokenAuthenticator } from '../auth/access-token-authenticator.js';
import { ApiError } from '../common/api-error.js';
import type { LivePrincipal } from './live-rooms.js';

/** Longer credentials are not ours: refused before any check. */
const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * Decides who a socket is from its handshake's `auth`: `{ token }` (an access token, checked exactly as on HTTP;
 * a super admin may add `organizationId` to hear one organisation only) or `{ apiKey }` (a camera key). Anything
 * else is refused with the ApiError an HTTP request would get. Also used to re-check connected sockets.
 */
@Injectable()
export class LiveHandshake {
  constructor(
    private readonly authenticator: AccessTokenAuthenticator,
    private readonly devices: DeviceKeyVerifier,
  ) {}

  async admit(auth: unknown): Promise<LivePrincipal> {
    const { token, apiKey, organizationId } = (typeof auth === 'object' && auth !== null ? auth : {}) as Record<
      string,
      unknown
    >;
    if (token !== undefined) {
      if (!isCredential(token)) throw ApiError.unauthorized('invalid_token', 'The access token is not valid');
      if (organizationId !== undefined && !isCredential(organizationId)) throw ApiError.notFound('Organization');
      const { user, expiresAt } = await this.authenticator.authenticate(token, organizationId);
      return { kind: 'user', user, organizationScope: organizationId ?? null, expiresAt };
    }
    if (apiKey !== undefined) {
      const device = isCredential(apiKey) ? await this.devices.verify(apiKey) : null;
      if (!device) throw ApiError.unauthorized('invalid_api_key', 'The API key is not valid');
      return { kind: 'device', device };
    }
    throw ApiError.unauthorized(
      'unauthorized',
      'Connect with auth: { token } (an access token) or auth: { apiKey } (a camera key)',
    );
  }
}

const isCredential = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_CREDENTIAL_LENGTH;
