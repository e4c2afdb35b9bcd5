import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { embeddingToBytes } from '../faces/face-template.entity.js';
import { type JobDto, toJobDto } from '../jobs/job.dto.js';
import { JobQueue } from '../jobs/job-queue.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { PhotoStore } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { VisitorFace } from './visitor-face.entity.js';
import { VisitorGallery } from './visitor-gallery.js';
import { VisitorGallerySync } from './visitor-gallery-sync.js';

interface VisitorReindexPayload {
  organizationId: string;
}

export interface VisitorReindexResult {
  [key: string]: unknown;
  model_id: string;
  model_version: string;
  reindexed: number;
  failed: { face_id: string; error: string }[];
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'visitors.reindex': { payload: VisitorReindexPayload; result: VisitorReindexResult };
  }
}

/**
 * The visitors' side of a model upgrade, as `faces.reindex` is the employees': re-embeds from their stored photos the
 * visitor faces an older model (or version) made. Until then those faces are left out of the visitors' gallery
 * (it loads only the current model's), so vector spaces never mix.
 */
@Injectable()
export class VisitorReindex {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RecognitionEngine,
    private readonly photos: PhotoStore,
    private readonly gallery: VisitorGallery,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    private readonly sync: VisitorGallerySync,
  ) {}

  async start(caller: AuthUser): Promise<JobDto> {
    // One per organisation at a time: asking again while one is queued or running returns that one.
    const job = await this.queue.enqueue(
      'visitors.reindex',
      { organizationId: caller.organizationId },
      { organizationId: caller.organizationId, createdBy: caller.id, idempotencyKey: caller.organizationId },
    );
    await this.audit.record({ action: 'visitor_face.reindex_started', entityType: 'job', entityId: job.id });
    return toJobDto(job);
  }

  @OnJob('visitors.reindex')
  async run({ organizationId }: VisitorReindexPayload): Promise<VisitorReindexResult> {
    const model = this.engine.embeddingModel;
    const faces = this.dataSource.getRepository(VisitorFace);
    const outdated = await faces.find({
      select: { id: true, visitorId: true, photoId: true },
      where: [
        { organizationId, modelId: Not(model.id) },
        { organizationId, modelVersion: Not(model.version) },
      ],
    });
    const result: VisitorReindexResult = { model_id: model.id, model_version: model.version, reindexed: 0, failed: [] };
    for (const face of outdated) {
      const photo = face.photoId
        ? await this.dataSource.getRepository(StoredFile).findOneBy({ id: face.photoId })
        : null;
      const bytes = photo ? await this.photos.read(photo).catch(() => null) : null;
      if (!bytes) {
        result.failed.push({ face_id: face.id, error: 'photo_missing' });
        continue;
      }
      const [found] = (await this.engine.analyse(bytes, { embed: true })).faces;
      if (!found?.embedding) {
        result.failed.push({ face_id: face.id, error: 'no_face_detected' });
        continue;
      }
      const updated = await faces.update(
        { id: face.id },
        { embedding: embeddingToBytes(found.embedding), modelId: model.id, modelVersion: model.version },
      );
      // Erased meanwhile (visitor deleted, or retention): it must not come back into search.
      if (!updated.affected) continue;
      this.gallery.add(organizationId, face.id, face.visitorId, found.embedding);
      await this.sync.announce(this.dataSource.manager, { op: 'refresh', organizationId, faceIds: [face.id] });
      result.reindexed += 1;
    }
    return result;
  }
}
