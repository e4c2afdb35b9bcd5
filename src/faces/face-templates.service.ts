import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { findOrder } from '../common/ordering.js';
import { PageOf } from '../common/pagination.js';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { Job } from '../jobs/job.entity.js';
import { type JobDto, toJobDto } from '../jobs/job.dto.js';
import { JobQueue } from '../jobs/job-queue.js';
import type { UploadedImages } from '../recognition/image-upload.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { FileStorage } from '../storage/file-storage.js';
import { FileUrls } from '../storage/file-urls.js';
import { PhotoStore } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { EmployeeGallery } from './employee-gallery.js';
import { collectEnrollmentPhotos } from './enrollment-photos.js';
import { EnrollmentSummary } from './enrollment-summary.js';
import { type EnrollmentPayload, PERSON_DELETED } from './face-enrollment.js';
import {
  type EnrollFacesDto,
  type EnrollmentJobDto,
  type EnrollmentResultDto,
  type FaceTemplateDto,
  type FaceTemplateQuery,
  toFaceTemplateDto,
} from './face-template.dto.js';
import { bytesToEmbedding, FaceTemplate } from './face-template.entity.js';

/** How long `?wait=true` waits for an enrollment before answering 202 anyway. */
const WAIT_MS = 120_000;

/** What erasing a person removed in the database; its files go in `afterErase`, once that has committed. */
export interface ErasedFaces {
  files: StoredFile[];
  /** Staged uploads of the person's enrollment jobs cancelled before they started. */
  stagedKeys: string[];
  cancelledJobs: number;
}

export type EnrollmentAnswer =
  { status: HttpStatus.CREATED; body: EnrollmentResultDto } | { status: HttpStatus.ACCEPTED; body: JobDto };

/** A person's face templates: enrollment requests, listing, removal, the primary photo, erasure. */
@Injectable()
export class FaceTemplatesService {
  constructor(
    @InjectRepository(FaceTemplate) private readonly templates: Repository<FaceTemplate>,
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly storage: FileStorage,
    private readonly photos: PhotoStore,
    private readonly gallery: EmployeeGallery,
    private readonly audit: AuditService,
    private readonly engine: RecognitionEngine,
    private readonly people: EmployeesService,
    private readonly events: DomainEventBus,
    private readonly summary: EnrollmentSummary,
    private readonly urls: FileUrls,
  ) {}

  /** Stages the photos and queues the enrollment job; with `wait`, answers with its result. */
  async enroll(
    caller: AuthUser,
    employeeId: string,
    files: UploadedImages | undefined,
    input: EnrollFacesDto,
    wait: boolean,
  ): Promise<EnrollmentAnswer> {
    await this.findPerson(caller.organizationId, employeeId);
    const photos = collectEnrollmentPhotos(files);
    const job = await this.queueEnrollment(caller, employeeId, photos, input);
    if (!wait) return { status: HttpStatus.ACCEPTED, body: toJobDto(job) };
    // From here on the job owns the staged photos: whatever happens while waiting, they are the job's to remove.
    const done = await this.queue.waitFor(job.id, WAIT_MS);
    if (done.status === 'cancelled') {
      throw new ApiError(
        HttpStatus.NOT_FOUND,
        done.error?.error ?? PERSON_DELETED.error,
        done.error?.message ?? PERSON_DELETED.message,
        { job_id: job.id },
      );
    }
    if (done.status === 'failed') {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        done.error?.error ?? 'enrollment_failed',
        done.error?.message ?? 'Enrollment failed',
      );
    }
    if (done.status !== 'completed') return { status: HttpStatus.ACCEPTED, body: toJobDto(done) };
    const result = done.result as unknown as EnrollmentResultDto;
    if (result.accepted.length === 0) {
      const first = result.rejected[0];
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        first?.error ?? 'enrollment_failed',
        first?.message ?? 'No photo was accepted',
        { job_id: job.id, rejected: result.rejected },
      );
    }
    return { status: HttpStatus.CREATED, body: result };
  }

  /**
   * Queues the enrollment of one photo the service already holds (a presence snapshot assigned to the person), by
   * the same job and quality bar as uploaded photos; answers the job to poll.
   */
  async enrollPhoto(
    caller: AuthUser,
    employeeId: string,
    photo: { label: string; bytes: Buffer },
    input: EnrollFacesDto,
  ): Promise<EnrollmentJobDto> {
    await this.findPerson(caller.organizationId, employeeId);
    const job = await this.queueEnrollment(caller, employeeId, [{ ...photo, angle: 'other' }], input);
    return { job_id: job.id, status: job.status };
  }

  /** Stages the photos under DATA_DIR and queues their enrollment; staged files of a job never queued are removed. */
  private async queueEnrollment(
    caller: AuthUser,
    employeeId: string,
    photos: ReturnType<typeof collectEnrollmentPhotos>,
    input: EnrollFacesDto,
  ): Promise<Job> {
    const staged: string[] = [];
    try {
      for (const photo of photos) staged.push(await this.storage.write(caller.organizationId, photo.bytes, 'staged'));
      const payload: EnrollmentPayload = {
        organizationId: caller.organizationId,
        employeeId,
        allOrNothing: input.all_or_nothing ?? false,
        checkLiveness: input.check_liveness ?? true,
        photos: photos.map((photo, i) => ({ label: photo.label, angle: photo.angle, stagedKey: staged[i] })),
      };
      return await this.queue.enqueue('faces.enroll', payload, {
        organizationId: caller.organizationId,
        createdBy: caller.id,
      });
    } catch (error) {
      await Promise.all(staged.map((key) => this.storage.remove(key)));
      throw error;
    }
  }

  /**
   * The searchable embeddings of a person (templates of the loaded model version); null when the person does not
   * exist in the organisation.
   */
  async embeddingsOf(organizationId: string, employeeId: string): Promise<Float32Array[] | null> {
    if (!(await this.people.exists(organizationId, employeeId))) return null;
    const model = this.engine.embeddingModel;
    const rows = await this.templates.find({
      where: { organizationId, employeeId, modelId: model.id, modelVersion: model.version },
      select: { id: true, embedding: true },
    });
    return rows.map((row) => bytesToEmbedding(row.embedding));
  }

  async list(caller: AuthUser, employeeId: string, query: FaceTemplateQuery): Promise<PageOf<FaceTemplateDto>> {
    await this.findPerson(caller.organizationId, employeeId);
    const [rows, count] = await this.templates.findAndCount({
      where: { organizationId: caller.organizationId, employeeId },
      order: query.ordering
        ? findOrder(query.ordering, { created_at: 'createdAt', quality_score: 'qualityScore', angle: 'angle' })
        : { isPrimary: 'DESC', createdAt: 'ASC', id: 'ASC' },
      ...PageOf.skipTake(query),
    });
    return new PageOf(
      rows.map((row) => toFaceTemplateDto(row, this.urls)),
      count,
      query,
    );
  }

  async remove(caller: AuthUser, employeeId: string, templateId: string): Promise<void> {
    const template = await this.findTemplate(caller, employeeId, templateId);
    const organizationId = caller.organizationId;
    const files = await this.dataSource.transaction(async (manager) => {
      if (!(await this.people.lockPresent(manager, organizationId, employeeId))) throw ApiError.notFound('Employee');
      const removed = await this.deleteTemplates(manager, [template]);
      if (template.isPrimary) {
        const next = await manager
          .getRepository(FaceTemplate)
          .findOne({ where: { employeeId }, order: { createdAt: 'ASC' } });
        if (next) await manager.getRepository(FaceTemplate).update({ id: next.id }, { isPrimary: true });
      }
      await this.audit.record(
        {
          action: 'face_template.deleted',
          entityType: 'face_template',
          entityId: templateId,
          oldValues: { employee_id: employeeId, angle: template.angle },
        },
        manager,
      );
      await this.summary.record(manager, organizationId, employeeId);
      await this.events.publish(manager, 'face.removed', { organizationId, employeeId, templateIds: [templateId] });
      return removed;
    });
    this.gallery.removeTemplate(caller.organizationId, templateId);
    await this.photos.discard(files);
  }

  async setPrimary(caller: AuthUser, employeeId: string, templateId: string): Promise<FaceTemplateDto> {
    const template = await this.findTemplate(caller, employeeId, templateId);
    const organizationId = caller.organizationId;
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.people.lockPresent(manager, organizationId, employeeId))) throw ApiError.notFound('Employee');
      const repository = manager.getRepository(FaceTemplate);
      await repository.update({ employeeId }, { isPrimary: false });
      await repository.update({ id: templateId }, { isPrimary: true });
      await this.summary.record(manager, organizationId, employeeId);
      await this.audit.record(
        { action: 'face_template.primary_set', entityType: 'face_template', entityId: templateId },
        manager,
      );
    });
    return toFaceTemplateDto({ ...template, isPrimary: true }, this.urls);
  }

  /**
   * Erases every template and photo of a person inside the caller's transaction and cancels their enrollment jobs
   * that have not started; `afterErase` drops the files and the index entries once it has committed (the
   * `employee.deleted` listener runs both). The deletion holds the person's row lock (FOR UPDATE): a running
   * enrollment locks that row before it saves, so its templates are either seen here or never written.
   */
  async eraseInTransaction(manager: EntityManager, organizationId: string, employeeId: string): Promise<ErasedFaces> {
    const templates = await manager.getRepository(FaceTemplate).findBy({ organizationId, employeeId });
    const files = await this.deleteTemplates(manager, templates);
    const cancelled = await this.queue.cancelQueued(
      manager,
      'faces.enroll',
      organizationId,
      { employeeId },
      { ...PERSON_DELETED },
    );
    const stagedKeys = cancelled.flatMap((payload) => payload.photos.map((photo) => photo.stagedKey));
    return { files, stagedKeys, cancelledJobs: cancelled.length };
  }

  async afterErase(organizationId: string, employeeId: string, erased: ErasedFaces): Promise<void> {
    this.gallery.removePerson(organizationId, employeeId);
    await this.photos.discard(erased.files);
    await Promise.all(erased.stagedKeys.map((key) => this.storage.remove(key)));
  }

  private async deleteTemplates(manager: EntityManager, templates: FaceTemplate[]): Promise<StoredFile[]> {
    if (templates.length === 0) return [];
    const fileIds = templates
      .flatMap((template) => [template.photoId, template.thumbnailId])
      .filter((id): id is string => id !== null);
    const files = fileIds.length > 0 ? await manager.getRepository(StoredFile).findBy({ id: In(fileIds) }) : [];
    await manager.getRepository(FaceTemplate).delete({ id: In(templates.map((template) => template.id)) });
    if (files.length > 0) await manager.getRepository(StoredFile).delete({ id: In(files.map((file) => file.id)) });
    return files;
  }

  private findPerson(organizationId: string, employeeId: string): Promise<void> {
    return this.people.assertExists(organizationId, employeeId);
  }

  private async findTemplate(caller: AuthUser, employeeId: string, templateId: string): Promise<FaceTemplate> {
    const template = await this.templates.findOneBy({
      id: templateId,
      employeeId,
      organizationId: caller.organizationId,
    });
    if (!template) throw ApiError.notFound('Face template');
    return template;
  }
}
