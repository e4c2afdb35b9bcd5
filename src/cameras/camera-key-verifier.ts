import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DeviceKeyVerifier, type DevicePrincipal } from '../access/device-principal.js';
import { CameraKey } from './camera-key.entity.js';

/** Longest key worth hashing; anything longer is not one of ours. */
const MAX_KEY_LENGTH = 200;

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
    const rows = await this.keys.query<{ id: string; camera_id: string; organization_id: string }[]>(
      `SELECT k.id, k.camera_id, k.organization_id
       FROM camera_keys k
       JOIN cameras c ON c.id = k.camera_id AND c.is_active
       WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
      [hashCameraKey(apiKey)],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return { keyId: row.id, cameraId: row.camera_id, organizationId: row.organization_id };
  }
}
