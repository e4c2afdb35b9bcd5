import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';
import type { User } from '../users/user.entity.js';
import type { AccessTokenPayload, TokenPairDto } from './auth.dto.js';
import { RefreshToken } from './refresh-token.entity.js';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A refresh token as the client holds it: `<row id>.<secret>`; only the SHA-256 of the whole is stored. */
export function parseRefreshToken(token: string): { id: string } | null {
  const match = /^([0-9a-f-]{36})\.[A-Za-z0-9_-]{40,}$/.exec(token);
  return match ? { id: match[1] } : null;
}

/** The key sealing a token's successor: SHA-256 of the token under a label, never stored anywhere. */
const successorKey = (refreshToken: string) => createHash('sha256').update(`successor\n${refreshToken}`).digest();

/** Issues access tokens (HS256 JWT) and refresh tokens (opaque, hashed at rest, grouped in families). */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly invalidation: AccessInvalidation,
  ) {}

  get accessTokenTtl(): number {
    return this.config.accessTokenTtl;
  }

  signAccessToken(user: User, familyId: string): Promise<string> {
    const payload: AccessTokenPayload = {
      sub: user.id,
      org: user.organizationId,
      role: user.role,
      ver: user.tokenVersion,
      fam: familyId,
    };
    return this.jwt.signAsync(payload, { jwtid: randomUUID() });
  }

  /** Stores a new refresh token of the family (a new family for a new login) and returns its client form. */
  async issueRefreshToken(
    manager: EntityManager,
    user: User,
    familyId: string = randomUUID(),
    client: { ip: string | null; userAgent: string | null } = { ip: null, userAgent: null },
  ): Promise<{ token: string; familyId: string }> {
    const id = randomUUID();
    const token = `${id}.${randomBytes(32).toString('base64url')}`;
    await manager.getRepository(RefreshToken).insert({
      id,
      userId: user.id,
      familyId,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtl * 1000),
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
    });
    return { token, familyId };
  }

  /** How long a rotated refresh token may still answer the pair it was rotated into. */
  get refreshGraceMs(): number {
    return this.config.refreshGraceSeconds * 1000;
  }

  /**
   * Seals the pair a refresh token was rotated into, with a key derived from that refresh token: the stored value
   * is useless to anyone reading the table (only the token's SHA-256 is there), and opens only for the token's
   * holder, who may ask again within the grace window (two tabs refreshing at once) and gets the same pair.
   */
  sealSuccessor(refreshToken: string, pair: TokenPairDto): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', successorKey(refreshToken), iv);
    const sealed = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  /** The pair `sealSuccessor` sealed for this refresh token; null when it does not open. */
  openSuccessor(refreshToken: string, sealed: string): TokenPairDto | null {
    try {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', successorKey(refreshToken), bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as TokenPairDto;
    } catch {
      return null;
    }
  }

  /** Ends one login: its refresh tokens stop working, and its access tokens once the transaction commits. */
  async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await manager.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [
      familyId,
    ]);
    await this.invalidation.announce(manager, { familyId });
  }

  /** Ends every login of the user but `exceptFamilyId`, refresh and access tokens alike. */
  async revokeAllOfUser(manager: EntityManager, userId: string, exceptFamilyId?: string): Promise<void> {
    await manager.query(
      `UPDATE refresh_tokens SET revoked_at = now()
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
      [userId, exceptFamilyId ?? null],
    );
    await this.invalidation.announce(manager, { userId });
  }
}
