import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import { type CameraKeyDto, type CameraKeyQuery, type CreatedCameraKeyDto, toCameraKeyDto } from './camera-key.dto.js';
import { CameraKey } from './camera-key.entity.js';
import { hashCameraKey } from './camera-key-verifier.js';
import { CamerasService } from './cameras.service.js';
import { findOrder } from '../common/ordering.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';

/** Keys start with this, so that a leaked one is easy to recognise (and to scan for). */
const KEY_PREFIX = 'fgc_';
/** How much of a key lists show: the marker and 8 random characters. */
const SHOWN_LENGTH = KEY_PREFIX.length + 8;

/** Device API keys of cameras: made (shown once), listed, revoked. */
@Injectable()
export class CameraKeysService {
  constructor(
    @InjectRepository(CameraKey) private readonly keys: Repository<CameraKey>,
    private readonly cameras: CamerasService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: AccessInvalidation,
  ) {}

  async create(caller: AuthUser, cameraId: string): Promise<CreatedCameraKeyDto> {
    const camera = await this.cameras.findOwned(caller.organizationId, cameraId);
    const apiKey = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    return this.dataSource.transaction(async (manager) => {
      const key = await manager.getRepository(CameraKey).save(
        Object.assign(new CameraKey(), {
          cameraId: camera.id,
          organizationId: camera.organizationId,
          prefix: apiKey.slice(0, SHOWN_LENGTH),
          keyHash: hashCameraKey(apiKey),
          createdBy: caller.id,
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
      await this.audit.record(
        {
          action: 'camera_key.created',
          entityType: 'camera',
          entityId: camera.id,
          newValues: { key_id: key.id, prefix: key.prefix },
        },
        manager,
      );
      return { id: key.id, camera_id: camera.id, api_key: apiKey, prefix: key.prefix, created_at: key.createdAt };
    });
  }

  /** The camera's keys, newest first, revoked ones included. */
  async list(caller: AuthUser, cameraId: string, query: CameraKeyQuery): Promise<PageOf<CameraKeyDto>> {
    const camera = await this.cameras.findOwned(caller.organizationId, cameraId);
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await this.keys.findAndCount({
      where: { cameraId: camera.id, organizationId: camera.organizationId },
      order: findOrder(query.ordering, { created_at: 'createdAt', last_used_at: 'lastUsedAt' }),
      skip,
      take,
    });
    return new PageOf(rows.map(toCameraKeyDto), count, query);
  }

  /** Revokes the key at once (the next request with it is refused); revoking a revoked key changes nothing. */
  async revoke(caller: AuthUser, cameraId: string, keyId: string): Promise<void> {
    const camera = await this.cameras.findOwned(caller.organizationId, cameraId);
    const key = await this.keys.findOneBy({ id: keyId, cameraId: camera.id, organizationId: camera.organizationId });
    if (!key) throw ApiError.notFound('Camera key');
    if (key.revokedAt !== null) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CameraKey).update({ id: key.id, revokedAt: IsNull() }, { revokedAt: new Date() });
      await this.invalidation.announce(manager, { cameraId: camera.id });
      await this.audit.record(
        {
          action: 'camera_key.revoked',
          entityType: 'camera',
          entityId: camera.id,
          oldValues: { key_id: key.id, prefix: key.prefix },
        },
        manager,
      );
    });
  }
}
