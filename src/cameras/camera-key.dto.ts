import type { CameraKey } from './camera-key.entity.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';
import { PageQuery } from '../common/pagination.js';

/** A new key: `api_key` is shown this once and cannot be read again. */
export class CreatedCameraKeyDto {
  id: string;
  camera_id: string;
  /** Send as `X-Api-Key`. Shown once; only its hash is stored. */
  api_key: string;
  /** The first characters of the key, as lists show them. */
  prefix: string;
  created_at: Date;
}

export class CameraKeyDto {
  id: string;
  camera_id: string;
  prefix: string;
  created_at: Date;
  /** The user who made the key (null once that user is gone). */
  created_by: string | null;
  /** Updated at most once a minute. */
  last_used_at: Date | null;
  /** Set once the key is revoked; a revoked key is refused. */
  revoked_at: Date | null;
}

export function toCameraKeyDto(key: CameraKey): CameraKeyDto {
  return {
    id: key.id,
    camera_id: key.cameraId,
    prefix: key.prefix,
    created_at: key.createdAt,
    created_by: key.createdBy,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
  };
}

export const CAMERA_KEY_ORDERINGS = orderingsOf(['created_at', 'last_used_at'] as const);
export type CameraKeyOrdering = (typeof CAMERA_KEY_ORDERINGS)[number];

export class CameraKeyQuery extends PageQuery {
  @OrderingParam(CAMERA_KEY_ORDERINGS, 'CameraKeyOrdering', '-created_at')
  ordering: CameraKeyOrdering = '-created_at';
}
