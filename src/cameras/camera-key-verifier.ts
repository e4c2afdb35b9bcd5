import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DeviceKeyVerifier, type DevicePrincipal } from '../access/device-principal.js';
import { CameraKey } from './camera-key.entity.js';

/** Longest key worth hashing; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 200;
/** `last_used_at` is written at most this often per key, so a busy camera does not write on every frame. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** Camera API keys are stored as SHA-256 of the whole key: high-entropy secrets need no slow hash. */
export function hashCameraKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** A key is good while it is not revoked and its camera is active. */
@Injectable()
export class CameraKeyVerifier extends DeviceKeyVerifier {
  constructor(@InjectRepository(CameraKey) private readonly keys: Repository<CameraKey>) {
    super();
  }

  async verify(apiKey: string): Promise<DevicePrincipal | null> {
    if (apiKey.length === 0 || apiKey.length > MAX_KEY_LENGTH) return null;
    const rows = await this.keys.query<{ id: string; camera_id: string; organization_id: string; stale: boolean }[]>(
      `SELECT k.id, k.camera_id, k.organization_id,
         k.last_used_at IS NULL OR k.last_used_at < now() - make_interval(secs => $2) AS stale
       FROM camera_keys k
       JOIN cameras c ON c.id = k.camera_id AND c.is_active
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hashCameraKey(apiKey), LAST_USED_RESOLUTION_SECONDS],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    if (row.stale) await this.markUsed(row.id);
    return { keyId: row.id, cameraId: row.camera_id, organizationId: row.organization_id };
  }

  /** Conditional, so that parallel requests of one key write it once. */
  private async markUsed(keyId: string): Promise<void> {
    await this.keys.query(
      `UPDATE camera_keys SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`,
      [keyId, LAST_USED_RESOLUTION_SECONDS],
    );
  }
}
