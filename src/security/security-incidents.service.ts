import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { CameraLookup } from '../cameras/camera-lookup.js';
import { ApiError } from '../common/api-error.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { orderQuery } from '../common/ordering.js';
import { PageOf } from '../common/pagination.js';
import { sniffImageFormat } from '../recognition/engine/image-decoder.js';
import { asApiError } from '../recognition/image-upload.js';
import { FileUrls } from '../storage/file-urls.js';
import { PhotoStore, type StoredPhoto } from '../storage/photo-store.js';
import {
  type CreateSecurityIncidentDto,
  type SecurityIncidentDto,
  type SecurityIncidentQuery,
  toSecurityIncidentDto,
  type UpdateSecurityIncidentDto,
} from './security-incident.dto.js';
import { SecurityIncident } from './security-incident.entity.js';

/** Severity as a rank, so `ordering=-severity` lists critical first. */
const SEVERITY_RANK = `array_position(ARRAY['low', 'medium', 'high', 'critical']::varchar[], incident.severity)`;

/** Security incidents of an organisation: reported (with an optional photo), listed, resolved; every write audited. */
@Injectable()
export class SecurityIncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(SecurityIncident) private readonly incidents: Repository<SecurityIncident>,
    private readonly cameras: CameraLookup,
    private readonly photos: PhotoStore,
    private readonly urls: FileUrls,
    private readonly audit: AuditService,
  ) {}

  /** Stores the photo (without metadata, with a thumbnail) and the incident in one transaction. */
  async create(
    caller: AuthUser,
    input: CreateSecurityIncidentDto,
    image: Buffer | undefined,
  ): Promise<SecurityIncidentDto> {
    const organizationId = caller.organizationId;
    if (image && !sniffImageFormat(image)) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        'image: not a JPEG, PNG or WebP image',
        {
          field: 'image',
        },
      );
    }
    if (input.camera_id && !(await this.cameras.existsInOrganization(organizationId, input.camera_id))) {
      throw ApiError.notFound('Camera');
    }
    let stored: StoredPhoto | undefined;
    try {
      const incident = await this.dataSource.transaction(async (manager) => {
        stored = image ? await this.photos.save(manager, organizationId, image).catch(rethrowAsImageError) : undefined;
        const repository = manager.getRepository(SecurityIncident);
        const saved = await repository.save(
          repository.create({
            organizationId,
            type: input.type,
            severity: input.severity,
            status: 'open',
            cameraId: input.camera_id ?? null,
            occurredAt: new Date(input.occurred_at),
            description: input.description,
            imageFileId: stored?.photo.id ?? null,
            thumbnailFileId: stored?.thumbnail.id ?? null,
            reportedBy: caller.id,
          }),
        );
        await this.audit.record(
          {
            action: 'security.incident_created',
            severity: saved.severity,
            entityType: 'security_incident',
            entityId: saved.id,
            newValues: { type: saved.type, severity: saved.severity, camera_id: saved.cameraId },
          },
          manager,
        );
        return saved;
      });
      return toSecurityIncidentDto(incident, this.urls);
    } catch (error) {
      if (stored) await this.photos.discard([stored.photo, stored.thumbnail]);
      throw error;
    }
  }

  async list(caller: AuthUser, query: SecurityIncidentQuery): Promise<PageOf<SecurityIncidentDto>> {
    const builder = orderQuery(
      this.incidents.createQueryBuilder('incident'),
      query.ordering,
      { occurred_at: 'incident.occurred_at', created_at: 'incident.created_at', severity: SEVERITY_RANK },
      'incident.id',
    ).where('incident.organization_id = :organizationId', { organizationId: caller.organizationId });
    if (query.type) builder.andWhere('incident.type = :type', { type: query.type });
    if (query.severity) builder.andWhere('incident.severity = :severity', { severity: query.severity });
    if (query.status) builder.andWhere('incident.status = :status', { status: query.status });
    if (query.camera_id) builder.andWhere('incident.camera_id = :cameraId', { cameraId: query.camera_id });
    if (query.date_from) builder.andWhere('incident.occurred_at >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('incident.occurred_at <= :to', { to: query.date_to });
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(
      rows.map((row) => toSecurityIncidentDto(row, this.urls)),
      count,
      query,
    );
  }

  async get(caller: AuthUser, id: string): Promise<SecurityIncidentDto> {
    const incident = await findInOrganization(this.incidents, caller.organizationId, id, 'Security incident');
    return toSecurityIncidentDto(incident, this.urls);
  }

  /** Changes the status, severity or resolution; resolving records who and when, reopening clears them. */
  async update(caller: AuthUser, id: string, input: UpdateSecurityIncidentDto): Promise<SecurityIncidentDto> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(SecurityIncident);
      const incident = await findInOrganization(repository, caller.organizationId, id, 'Security incident');
      const before = { status: incident.status, severity: incident.severity, resolution: incident.resolution };
      if (input.severity !== undefined) incident.severity = input.severity;
      if (input.resolution !== undefined) incident.resolution = input.resolution;
      if (input.status !== undefined && input.status !== incident.status) {
        incident.status = input.status;
        incident.resolvedAt = input.status === 'resolved' ? new Date() : null;
        incident.resolvedBy = input.status === 'resolved' ? caller.id : null;
      }
      const saved = await repository.save(incident);
      await this.audit.record(
        {
          action: 'security.incident_updated',
          entityType: 'security_incident',
          entityId: saved.id,
          oldValues: before,
          newValues: { status: saved.status, severity: saved.severity, resolution: saved.resolution },
        },
        manager,
      );
      return saved;
    });
    return toSecurityIncidentDto(updated, this.urls);
  }
}

function rethrowAsImageError(error: unknown): never {
  throw asApiError(error, 'image');
}
