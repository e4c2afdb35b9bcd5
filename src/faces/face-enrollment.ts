import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { JobCancelled, JobFailure } from '../jobs/job-queue.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { Metrics } from '../metrics/metrics.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { FileStorage } from '../storage/file-storage.js';
import { FileUrls } from '../storage/file-urls.js';
import { PhotoStore, type StoredPhoto } from '../storage/photo-store.js';
import { EmployeeGallery } from './employee-gallery.js';
import { type AcceptedFace, checkEnrollmentPhoto, qualityScore } from './enrollment-photo-check.js';
import { EnrollmentSummary } from './enrollment-summary.js';
import type { EnrollmentResultDto, RejectedPhotoDto } from './face-template.dto.js';
import { toFaceTemplateDto } from './face-template.dto.js';
import { embeddingToBytes, type FaceAngle, FaceTemplate } from './face-template.entity.js';

/** What an enrollment job carries: staged photo files (under DATA_DIR), not the bytes. */
export interface EnrollmentPayload {
  organizationId: string;
  employeeId: string;
  allOrNothing: boolean;
  checkLiveness: boolean;
  photos: { label: string; angle: FaceAngle; stagedKey: string }[];
}

/** Why an enrollment job of a deleted person ends `cancelled` and stores nothing. */
export const PERSON_DELETED = {
  error: 'person_deleted',
  message: 'The person was deleted before their photos were enrolled; nothing was stored',
} as const;

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'faces.enroll': { payload: EnrollmentPayload; result: EnrollmentResultDto };
  }
}

/**
 * Turns enrollment photos into face templates: exactly one face per photo, the enrollment quality bar, liveness
 * when its models are loaded; good photos are stored with their templates in one transaction and become
 * searchable once it commits.
 */
@Injectable()
export class FaceEnrollment {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RecognitionEngine,
    private readonly photos: PhotoStore,
    private readonly storage: FileStorage,
    private readonly gallery: EmployeeGallery,
    private readonly audit: AuditService,
    private readonly people: EmployeesService,
    private readonly summary: EnrollmentSummary,
    private readonly events: DomainEventBus,
    private readonly urls: FileUrls,
    private readonly metrics: Metrics,
  ) {}

  @OnJob('faces.enroll')
  async run(payload: EnrollmentPayload): Promise<EnrollmentResultDto> {
    let stored = false;
    try {
      // Cheap early exit only; what makes it race-free is the row lock in `save`.
      if (!(await this.people.exists(payload.organizationId, payload.employeeId))) throw personDeleted();
      const accepted: AcceptedFace[] = [];
      const rejected: RejectedPhotoDto[] = [];
      for (const photo of payload.photos) {
        const bytes = await this.storage.read(photo.stagedKey).catch(() => null);
        if (!bytes) throw new JobFailure('photos_missing', 'The uploaded photos are no longer available; upload again');
        const outcome = await checkEnrollmentPhoto(this.engine, photo.label, photo.angle, bytes, payload.checkLiveness);
        if ('error' in outcome) rejected.push(outcome);
        else accepted.push(outcome);
      }
      const keep = payload.allOrNothing && rejected.length > 0 ? [] : accepted;
      const templates = keep.length > 0 ? await this.save(payload, keep) : [];
      stored = templates.length > 0;
      return {
        employee_id: payload.employeeId,
        accepted: templates.map((template) => toFaceTemplateDto(template, this.urls)),
        rejected,
      };
    } finally {
      this.metrics.enrollments.inc({ outcome: stored ? 'ok' : 'failed' });
      await Promise.all(payload.photos.map((photo) => this.storage.remove(photo.stagedKey)));
    }
  }

  private async save(payload: EnrollmentPayload, accepted: AcceptedFace[]): Promise<FaceTemplate[]> {
    const { organizationId, employeeId } = payload;
    const model = this.engine.embeddingModel;
    const stored: StoredPhoto[] = [];
    try {
      const templates = await this.dataSource.transaction(async (manager) => {
        // Deleting a person takes the same row lock before it erases their templates, so the two serialise: a
        // deletion that committed while this job computed embeddings makes it store nothing, and one that comes
        // later waits for this commit and then erases what was stored.
        if (!(await this.people.lockPresent(manager, organizationId, employeeId))) throw personDeleted();
        const repository = manager.getRepository(FaceTemplate);
        const hasPrimary = await repository.existsBy({ employeeId, isPrimary: true });
        const saved: FaceTemplate[] = [];
        for (const [i, { angle, bytes, face }] of accepted.entries()) {
          const photo = await this.photos.save(manager, organizationId, bytes);
          stored.push(photo);
          const template = await repository.save(
            repository.create({
              organizationId,
              employeeId,
              angle,
              embedding: embeddingToBytes(face.embedding),
              modelId: model.id,
              modelVersion: model.version,
              qualityScore: qualityScore(face),
              quality: { ...face.quality },
              livenessScore: face.liveness?.score ?? null,
              isPrimary: !hasPrimary && i === 0,
              photoId: photo.photo.id,
              thumbnailId: photo.thumbnail.id,
            }),
          );
          saved.push(template);
        }
        await this.audit.record(
          {
            action: 'employee.faces_enrolled',
            entityType: 'employee',
            entityId: employeeId,
            organizationId,
            newValues: { templates: saved.map((template) => ({ id: template.id, angle: template.angle })) },
          },
          manager,
        );
        await this.summary.record(manager, organizationId, employeeId);
        await this.events.publish(manager, 'face.enrolled', {
          organizationId,
          employeeId,
          templateIds: saved.map((template) => template.id),
          jobId: null,
        });
        return saved;
      });
      for (const [i, template] of templates.entries()) {
        this.gallery.add(organizationId, template.id, employeeId, accepted[i].face.embedding);
      }
      return templates;
    } catch (error) {
      await this.photos.discard(stored.flatMap(({ photo, thumbnail }) => [photo, thumbnail]));
      throw error;
    }
  }
}

function personDeleted(): JobCancelled {
  return new JobCancelled(PERSON_DELETED.error, PERSON_DELETED.message);
}
