import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike } from '../common/escape-like.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { PageOf } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { LocationsService } from '../locations/locations.service.js';
import { applyCameraInput, assertSourceFits } from './camera-input.js';
import type { CameraProfile, FrameOutcome } from './camera-profile.js';
import { CameraStatusMonitor, isOnlineSql, liveStatus } from './camera-status-monitor.js';
import {
  type CameraDto,
  type CameraQuery,
  type CreateCameraDto,
  toCameraDto,
  type UpdateCameraDto,
} from './camera.dto.js';
import { Camera } from './camera.entity.js';
import { CredentialSeal } from './credential-seal.js';
import { NO_CREDENTIALS } from './stream-credentials.js';
import { AccessCache } from '../sessions/access-cache.js';
import { AccessInvalidation } from '../sessions/access-invalidation.js';
import { orderQuery } from '../common/ordering.js';

@Injectable()
export class CamerasService {
  constructor(
    @InjectRepository(Camera) private readonly cameras: Repository<Camera>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly locations: LocationsService,
    private readonly seal: CredentialSeal,
    private readonly monitor: CameraStatusMonitor,
    private readonly config: AppConfig,
    private readonly cache: AccessCache,
    private readonly invalidation: AccessInvalidation,
  ) {}

  /**
   * The active camera `id` of the organisation, for frame processing; 404 when unknown or inactive. Cached until
   * the camera changes (see AccessCache): a camera sends many frames and is seldom edited.
   */
  async profileFor(organizationId: string, id: string): Promise<CameraProfile> {
    // Unknown and inactive cameras are not kept: ids sent at random must not fill the cache.
    const profile = await this.cache.get(
      `camera:${id}`,
      () => this.loadProfile(id),
      (found) => (found ? undefined : null),
    );
    if (!profile || profile.organizationId !== organizationId) throw ApiError.notFound('Camera');
    return profile;
  }

  private async loadProfile(id: string): Promise<CameraProfile | null> {
    const camera = await this.cameras.findOneBy({ id, isActive: true });
    if (!camera) return null;
    return {
      id: camera.id,
      organizationId: camera.organizationId,
      locationId: camera.locationId,
      name: camera.name,
      direction: camera.direction,
      confidenceThreshold: camera.confidenceThreshold,
      livenessCheckEnabled: camera.livenessCheckEnabled,
      minFaceSize: camera.minFaceSize,
      streamUrl: camera.sourceUrl,
    };
  }

  /** Counts a processed frame into the camera's health figures and marks the contact (online from now). */
  async recordFrame(cameraId: string, outcome: FrameOutcome): Promise<void> {
    await this.monitor.frame(cameraId, outcome);
  }

  async list(caller: AuthUser, query: CameraQuery): Promise<PageOf<CameraDto>> {
    const builder = this.cameras
      .createQueryBuilder('camera')
      .where('camera.organization_id = :organizationId', { organizationId: caller.organizationId });
    orderQuery(
      builder,
      query.ordering,
      { name: 'camera.name', created_at: 'camera.created_at', last_heartbeat_at: 'camera.last_heartbeat_at' },
      'camera.id',
    );
    if (query.location_id) builder.andWhere('camera.location_id = :locationId', { locationId: query.location_id });
    if (query.is_active !== undefined) builder.andWhere('camera.is_active = :isActive', { isActive: query.is_active });
    if (query.status) {
      builder.andWhere(`${isOnlineSql('camera', ':window')} = :online`, {
        window: this.config.cameraOnlineWindowSeconds,
        online: query.status === 'online',
      });
    }
    if (query.search) builder.andWhere('camera.name ILIKE :pattern', { pattern: `%${escapeLike(query.search)}%` });
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(
      rows.map((camera) => this.toDto(camera)),
      count,
      query,
    );
  }

  async get(caller: AuthUser, id: string): Promise<CameraDto> {
    return this.toDto(await this.findOwned(caller.organizationId, id));
  }

  async create(caller: AuthUser, input: CreateCameraDto): Promise<CameraDto> {
    const camera: Camera = Object.assign(new Camera(), {
      id: randomUUID(),
      organizationId: caller.organizationId,
      locationId: null,
      direction: 'both',
      sourceType: 'http',
      sourceUrl: null,
      sealedCredentials: null,
      fps: null,
      resolution: null,
      confidenceThreshold: null,
      minFaceSize: null,
      livenessCheckEnabled: false,
      isActive: true,
      status: 'offline',
      lastHeartbeatAt: null,
      lastFrameAt: null,
      lastError: null,
      lastErrorAt: null,
    } satisfies Partial<Camera>);
    const { credentials } = applyCameraInput(camera, input, NO_CREDENTIALS);
    await this.validate(camera, true);
    camera.sealedCredentials = this.seal.seal(camera.id, credentials);
    return this.dataSource.transaction(async (manager) => {
      const dto = this.toDto(await manager.getRepository(Camera).save(camera));
      await this.audit.record(
        { action: 'camera.created', entityType: 'camera', entityId: dto.id, newValues: dto },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateCameraDto): Promise<CameraDto> {
    const camera = await this.findOwned(caller.organizationId, id);
    const before = this.toDto(camera);
    const touchesCredentials =
      input.source_url !== undefined || input.username !== undefined || input.password !== undefined;
    const current = touchesCredentials ? this.seal.open(camera.id, camera.sealedCredentials) : NO_CREDENTIALS;
    const { credentials, credentialsChanged } = applyCameraInput(camera, input, current);
    await this.validate(camera, input.location_id !== undefined);
    if (credentialsChanged) camera.sealedCredentials = this.seal.seal(camera.id, credentials);
    return this.dataSource.transaction(async (manager) => {
      const dto = this.toDto(await manager.getRepository(Camera).save(camera));
      await this.invalidation.announce(manager, { cameraId: id });
      await this.audit.record(
        {
          action: 'camera.updated',
          entityType: 'camera',
          entityId: id,
          oldValues: before,
          // The body may hold a password or a URL with one: the audit keeps the result, never the input.
          newValues: { ...dto, stream_auth_changed: credentialsChanged },
        },
        manager,
      );
      return dto;
    });
  }

  /** Deletes the camera and its keys; 409 while records of other features still refer to it. */
  async remove(caller: AuthUser, id: string): Promise<void> {
    const camera = await this.findOwned(caller.organizationId, id);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(Camera).delete({ id, organizationId: caller.organizationId });
      await this.invalidation.announce(manager, { cameraId: id });
      await this.audit.record(
        { action: 'camera.deleted', entityType: 'camera', entityId: id, oldValues: this.toDto(camera) },
        manager,
      );
    });
  }

  /**
   * The organisation's active cameras by live status, and the average processing time of their frames (ms, over
   * every frame they sent; null before the first), for dashboards and reports.
   */
  async figuresOf(
    organizationId: string,
  ): Promise<{ online: number; offline: number; avgProcessingMs: number | null }> {
    const [row] = await this.cameras.query<{ online: number; offline: number; avg: number | null }[]>(
      `SELECT count(*) FILTER (WHERE ${isOnlineSql('c', '$2')})::int AS online,
              count(*) FILTER (WHERE NOT ${isOnlineSql('c', '$2')})::int AS offline,
              sum(c.processing_ms_total) / NULLIF(sum(c.frames_processed), 0) AS avg
       FROM cameras c WHERE c.organization_id = $1 AND c.is_active`,
      [organizationId, this.config.cameraOnlineWindowSeconds],
    );
    return { online: row.online, offline: row.offline, avgProcessingMs: row.avg === null ? null : Number(row.avg) };
  }

  /** The camera of the organisation, or 404. */
  findOwned(organizationId: string, id: string): Promise<Camera> {
    return findInOrganization(this.cameras, organizationId, id, 'Camera');
  }

  private toDto(camera: Camera): CameraDto {
    return toCameraDto(camera, liveStatus(camera, this.config.cameraOnlineWindowSeconds));
  }

  /** 400 when the source type and URL do not fit, or (`checkLocation`) the location is not the organisation's. */
  private async validate(camera: Camera, checkLocation: boolean): Promise<void> {
    assertSourceFits(camera);
    if (!checkLocation || camera.locationId === null) return;
    if (!(await this.locations.existsInOrganization(camera.organizationId, camera.locationId))) {
      throw ApiError.badRequest('validation_error', 'The location is not a location of this organisation', [
        { field: 'location_id', errors: ['location_id must be a location of the organisation'] },
      ]);
    }
  }
}
