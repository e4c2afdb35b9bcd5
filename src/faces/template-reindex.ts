import { Injectable } from '@nestjs/common';
import { DataSource, Not } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { type JobDto, toJobDto } from '../jobs/job.dto.js';
import { JobQueue } from '../jobs/job-queue.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { PhotoStore } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { EmployeeGallery } from './employee-gallery.js';
import { GallerySync } from './gallery-sync.js';
import { embeddingToBytes, FaceTemplate } from './face-template.entity.js';

interface ReindexPayload {
  organizationId: string;
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'faces.reindex': { payload: ReindexPayload; result: ReindexResult };
  }
}

export interface ReindexResult {
  [key: string]: unknown;
  model_id: string;
  model_version: string;
  reindexed: number;
  failed: { template_id: string; error: string }[];
}

/**
 * Re-embeds, from their stored photos, the templates an older model (or version) made, so a model upgrade never
 * mixes vector spaces: such templates are left out of search until they are redone.
 */
@Injectable()
export class TemplateReindex {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RecognitionEngine,
    private readonly photos: PhotoStore,
    private readonly gallery: EmployeeGallery,
    private readonly sync: GallerySync,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
  ) {}

  async start(caller: AuthUser): Promise<JobDto> {
    // One reindex per organisation at a time: asking again while one is queued or running returns that one.
    const job = await this.queue.enqueue(
      'faces.reindex',
      { organizationId: caller.organizationId },
      { organizationId: caller.organizationId, createdBy: caller.id, idempotencyKey: caller.organizationId },
    );
    await this.audit.record({ action: 'face_template.reindex_started', entityType: 'job', entityId: job.id });
    return toJobDto(job);
  }

  @OnJob('faces.reindex')
  async run({ organizationId }: ReindexPayload): Promise<ReindexResult> {
    const model = this.engine.embeddingModel;
    const templates = this.dataSource.getRepository(FaceTemplate);
    const outdated = await templates.find({
      where: [
        { organizationId, modelId: Not(model.id) },
        { organizationId, modelVersion: Not(model.version) },
      ],
    });
    const result: ReindexResult = { model_id: model.id, model_version: model.version, reindexed: 0, failed: [] };
    for (const template of outdated) {
      const photo = template.photoId
        ? await this.dataSource.getRepository(StoredFile).findOneBy({ id: template.photoId })
        : null;
      const bytes = photo ? await this.photos.read(photo).catch(() => null) : null;
      if (!bytes) {
        result.failed.push({ template_id: template.id, error: 'photo_missing' });
        continue;
      }
      const { faces } = await this.engine.analyse(bytes, { embed: true });
      const face = faces[0];
      if (!face?.embedding) {
        result.failed.push({ template_id: template.id, error: 'no_face_detected' });
        continue;
      }
      const updated = await templates.update(
        { id: template.id },
        { embedding: embeddingToBytes(face.embedding), modelId: model.id, modelVersion: model.version },
      );
      // Erased meanwhile (its person deleted): it must not come back into search.
      if (!updated.affected) continue;
      this.gallery.add(organizationId, template.id, template.employeeId, face.embedding);
      await this.sync.announce(this.dataSource.manager, { op: 'refresh', organizationId, templateIds: [template.id] });
      result.reindexed += 1;
    }
    return result;
  }
}
