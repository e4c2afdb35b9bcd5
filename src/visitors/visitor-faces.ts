import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { PhotoStore } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { VisitorFace } from './visitor-face.entity.js';
import { Visitor } from './visitor.entity.js';
import { VisitorGallery } from './visitor-gallery.js';
import { VisitorGallerySync } from './visitor-gallery-sync.js';

/**
 * Erases a visitor's biometric data: template rows and file rows in the caller's transaction; index entries (on
 * every instance) and files once it commits (nothing is lost if it rolls back). Used by deletion and by the
 * retention job.
 */
@Injectable()
export class VisitorFaceEraser {
  constructor(
    private readonly gallery: VisitorGallery,
    private readonly photos: PhotoStore,
    private readonly hooks: TransactionHooks,
    private readonly sync: VisitorGallerySync,
  ) {}

  /** How many templates were erased. */
  async erase(manager: EntityManager, organizationId: string, visitorId: string): Promise<number> {
    const faces = await manager.getRepository(VisitorFace).find({
      select: { id: true, photoId: true, thumbnailId: true },
      where: { organizationId, visitorId },
    });
    const fileIds = faces.flatMap((face) => [face.photoId, face.thumbnailId]).filter((id) => id !== null);
    const files = fileIds.length > 0 ? await manager.getRepository(StoredFile).findBy({ id: In(fileIds) }) : [];
    if (faces.length > 0) await manager.getRepository(VisitorFace).delete({ organizationId, visitorId });
    if (files.length > 0) await manager.getRepository(StoredFile).delete({ id: In(files.map((file) => file.id)) });
    await manager.getRepository(Visitor).update({ id: visitorId, organizationId }, { faceTemplates: 0 });
    if (faces.length > 0) await this.sync.announce(manager, { op: 'remove_visitor', organizationId, visitorId });
    await this.hooks.afterCommit(manager, async () => {
      this.gallery.removeVisitor(organizationId, visitorId);
      await this.photos.discard(files);
    });
    return faces.length;
  }
}
