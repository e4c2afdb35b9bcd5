import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { type AcceptedFace, checkEnrollmentPhoto, qualityScore } from '../faces/enrollment-photo-check.js';
import { collectEnrollmentPhotos } from '../faces/enrollment-photos.js';
import type { RejectedPhotoDto } from '../faces/face-template.dto.js';
import { embeddingToBytes } from '../faces/face-template.entity.js';
import type { UploadedImages } from '../recognition/image-upload.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { PhotoStore, type StoredPhoto } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import type { VisitorPhotosDto, VisitorPhotosResultDto } from './visitor-photos.dto.js';
import { VisitorFace } from './visitor-face.entity.js';
import { Visitor } from './visitor.entity.js';
import { VisitorGallery } from './visitor-gallery.js';
import { VisitorGallerySync } from './visitor-gallery-sync.js';
import { VisitorsRepository } from './visitors.repository.js';

/** A visitor's photos by angle: checked like employees' enrollment photos, stored, and searchable once committed. */
@Injectable()
export class VisitorPhotosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: RecognitionEngine,
    private readonly photos: PhotoStore,
    private readonly gallery: VisitorGallery,
    private readonly visitors: VisitorsRepository,
    private readonly audit: AuditService,
    private readonly hooks: TransactionHooks,
    private readonly sync: VisitorGallerySync,
  ) {}

  async enroll(
    caller: AuthUser,
    visitorId: string,
    files: UploadedImages | undefined,
    input: VisitorPhotosDto,
  ): Promise<VisitorPhotosResultDto> {
    const organizationId = caller.organizationId;
    await this.visitors.findInOrganization(organizationId, visitorId);
    const accepted: AcceptedFace[] = [];
    const rejected: RejectedPhotoDto[] = [];
    for (const photo of collectEnrollmentPhotos(files)) {
      const outcome = await checkEnrollmentPhoto(
        this.engine,
        photo.label,
        photo.angle,
        photo.bytes,
        input.check_liveness ?? true,
      );
      if ('error' in outcome) rejected.push(outcome);
      else accepted.push(outcome);
    }
    if (accepted.length === 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'no_photo_accepted',
        'No photo passed the enrollment checks',
        {
          rejected,
        },
      );
    }
    await this.save(organizationId, visitorId, accepted);
    return { status: 'ok', added_vectors: accepted.length, rejected };
  }

  /** The visitor's most recent photo; 404 when they have none. */
  async latestImage(caller: AuthUser, visitorId: string): Promise<{ file: StoredFile; bytes: Buffer }> {
    await this.visitors.findInOrganization(caller.organizationId, visitorId);
    const latest = (await this.visitors.facesOf(caller.organizationId, visitorId)).find((face) => face.photoId);
    const file = latest?.photoId
      ? await this.dataSource.getRepository(StoredFile).findOneBy({ id: latest.photoId })
      : null;
    if (!file) throw ApiError.notFound('Visitor photo');
    try {
      return { file, bytes: await this.photos.read(file) };
    } catch {
      throw ApiError.notFound('Visitor photo');
    }
  }

  private async save(organizationId: string, visitorId: string, accepted: AcceptedFace[]): Promise<void> {
    const model = this.engine.embeddingModel;
    const stored: StoredPhoto[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        // Erasure takes the same lock: it either sees these faces and erases them, or this finds the visitor gone.
        if (!(await this.visitors.lockInOrganization(manager, organizationId, visitorId))) {
          throw ApiError.notFound('Visitor');
        }
        const repository = manager.getRepository(VisitorFace);
        const saved: VisitorFace[] = [];
        for (const { angle, bytes, face } of accepted) {
          const photo = await this.photos.save(manager, organizationId, bytes);
          stored.push(photo);
          saved.push(
            await repository.save(
              repository.create({
                organizationId,
                visitorId,
                angle,
                embedding: embeddingToBytes(face.embedding),
                modelId: model.id,
                modelVersion: model.version,
                quality: qualityScore(face),
                photoId: photo.photo.id,
                thumbnailId: photo.thumbnail.id,
              }),
            ),
          );
        }
        const templates = await repository.countBy({ organizationId, visitorId });
        await manager
          .getRepository(Visitor)
          .update({ id: visitorId, organizationId }, { faceTemplates: templates, facesErasedAt: null });
        await this.audit.record(
          {
            action: 'visitor.faces_enrolled',
            entityType: 'visitor',
            entityId: visitorId,
            organizationId,
            newValues: { faces: saved.map((face) => ({ id: face.id, angle: face.angle })) },
          },
          manager,
        );
        await this.sync.announce(manager, { op: 'refresh', organizationId, faceIds: saved.map((face) => face.id) });
        await this.hooks.afterCommit(manager, () => {
          saved.forEach((face, i) => this.gallery.add(organizationId, face.id, visitorId, accepted[i].face.embedding));
        });
      });
    } catch (error) {
      await this.photos.discard(stored.flatMap(({ photo, thumbnail }) => [photo, thumbnail]));
      throw error;
    }
  }
}
