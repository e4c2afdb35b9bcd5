import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DeviceKeyVerifier, type DevicePrincipal } from '../access/device-principal.js';
import { AuditService } from '../audit/audit.service.js';
import { AttemptThrottle } from '../auth/attempt-throttle.js';
import { requestContext } from '../common/request-context.js';
import { AccessCache } from '../sessions/access-cache.js';
import { CameraKey } from './camera-key.entity.js';

/** Longest key worth hashing; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 200;
/** `last_used_at` is written at most this often per key, so a busy camera does not write on every frame. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** Camera API keys are stored as SHA-256 of the whole key: high-entropy secrets need no slow hash. */
export function hashCameraKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Refused keys are written to the security log at most once per organisation, address and this many seconds. */
const REFUSAL_LOG_WINDOW_SECONDS = 60;

type RefusalReason = 'unknown' | 'revoked' | 'camera_inactive';

interface KeyRow {
  id: string;
  camera_id: string;
  organization_id: string;
  revoked: boolean;
  active: boolean;
  /** When this instance last wrote the key's `last_used_at` (ms), kept with the cached row. */
  markedAt?: number;
}

/**
 * A key is good while it is not revoked and its camera is active. A refused key is a security event (someone holds a
 * revoked key, or guesses): logged with its reason, under the key's organisation when the key was once good.
 */
@Injectable()
export class CameraKeyVerifier extends DeviceKeyVerifier {
  private readonly logger = new Logger(CameraKeyVerifier.name);

  constructor(
    @InjectRepository(CameraKey) private readonly keys: Repository<CameraKey>,
    private readonly audit: AuditService,
    private readonly counters: AttemptThrottle,
    private readonly cache: AccessCache,
  ) {
    super();
  }

  async verify(apiKey: string): Promise<DevicePrincipal | null> {
    if (apiKey.length === 0 || apiKey.length > MAX_KEY_LENGTH) return this.refuse(apiKey, 'unknown');
    const hash = hashCameraKey(apiKey);
    // Known keys are cached until their camera changes (a key revoked, the camera edited or deleted: see
    // AccessCache); unknown ones are not, so guesses cannot fill the cache.
    const row = await this.cache.get(
      `camera-key:${hash}`,
      () => this.lookup(hash),
      (key) => key?.camera_id ?? null,
    );
    if (!row) return this.refuse(apiKey, 'unknown');
    if (row.revoked) return this.refuse(apiKey, 'revoked', row);
    if (!row.active) return this.refuse(apiKey, 'camera_inactive', row);
    await this.markUsed(row);
    return { keyId: row.id, cameraId: row.camera_id, organizationId: row.organization_id };
  }

  private async lookup(hash: string): Promise<KeyRow | null> {
    const [row] = await this.keys.query<KeyRow[]>(
      `SELECT k.id, k.camera_id, k.organization_id, k.revoked_at IS NOT NULL AS revoked, c.is_active AS active
       FROM camera_keys k
       JOIN cameras c ON c.id = k.camera_id
       WHERE k.key_hash = $1`,
      [hash],
    );
    return row ?? null;
  }

  /** Logs the refusal (once per organisation, address and window, so a flood writes one row) and answers null. */
  private async refuse(
    apiKey: string,
    reason: RefusalReason,
    key?: { id: string; camera_id: string; organization_id: string },
  ): Promise<null> {
    const organizationId = key?.organization_id ?? null;
    const address = requestContext.current()?.ip ?? 'unknown';
    try {
      const { hits } = await this.counters.count(
        `refused-camera-key:${organizationId ?? 'none'}:${address}`,
        REFUSAL_LOG_WINDOW_SECONDS,
      );
      if (hits > 1) return null;
      await this.audit.record({
        action: 'security.camera_key_refused',
        severity: 'medium',
        entityType: key ? 'camera_key' : undefined,
        entityId: key?.id,
        newValues: { reason, key_prefix: apiKey.slice(0, 8), camera_id: key?.camera_id ?? null },
        userId: null,
        organizationId,
      });
    } catch (error) {
      this.logger.warn(`Could not record a refused camera key: ${String(error)}`);
    }
    return null;
  }

  /**
   * Writes `last_used_at` when this instance has not within LAST_USED_RESOLUTION_SECONDS (or since the key was
   * cached); conditional, so that parallel requests and other instances write it once per period.
   */
  private async markUsed(row: KeyRow): Promise<void> {
    const now = Date.now();
    if (row.markedAt !== undefined && now - row.markedAt < LAST_USED_RESOLUTION_SECONDS * 1000) return;
    row.markedAt = now;
    await this.keys.query(
      `UPDATE camera_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [row.id, LAST_USED_RESOLUTION_SECONDS],
    );
  }
}
