import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { PhotoStore } from '../storage/photo-store.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { PresenceEvent } from './presence-event.entity.js';
import { PresenceEventsRepository } from './presence-events.repository.js';

/** The face snapshots of presence events: read for enrollment, erased with the person they show. */
@Injectable()
export class PresenceSnapshots {
  constructor(
    @InjectRepository(StoredFile) private readonly files: Repository<StoredFile>,
    private readonly photos: PhotoStore,
    private readonly repository: PresenceEventsRepository,
  ) {}

  /** The snapshot's bytes, for enrollment; 422 when there is none or the face was taken for a spoof. */
  async enrollable(event: PresenceEvent): Promise<Buffer> {
    if (event.livenessPassed === false) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'liveness_failed',
        'The face of this event looked like a photo or a screen; it cannot become a face template',
      );
    }
    const file = event.snapshotFileId
      ? await this.files.findOneBy({ id: event.snapshotFileId, organizationId: event.organizationId })
      : null;
    const bytes = file ? await this.photos.read(file).catch(() => null) : null;
    if (!bytes) {
      throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'no_snapshot', 'This event has no face snapshot to enroll');
    }
    return bytes;
  }

  /**
   * Deletes, in `manager`'s transaction, the snapshot rows of the person's events (the events lose their snapshot
   * ids); with `eraseEvents` the events too. Returns the files to remove once the transaction has committed.
   */
  async eraseOf(
    manager: EntityManager,
    organizationId: string,
    employeeId: string,
    eraseEvents: boolean,
  ): Promise<StoredFile[]> {
    const events = await this.repository.withSnapshotsOf(manager, organizationId, employeeId);
    const ids = events
      .flatMap((event) => [event.snapshotFileId, event.snapshotThumbnailId])
      .filter((id) => id !== null);
    const files = ids.length > 0 ? await manager.getRepository(StoredFile).findBy({ id: In(ids) }) : [];
    if (files.length > 0) await manager.getRepository(StoredFile).delete({ id: In(files.map((file) => file.id)) });
    if (eraseEvents) await manager.getRepository(PresenceEvent).delete({ organizationId, employeeId });
    return files;
  }

  /**
   * Deletes, in `manager`'s transaction, the snapshot rows of the organisation's unknown-face events (no person)
   * last seen before `before`; the events stay, without snapshot ids. Returns the files to remove once the
   * transaction has committed (`discard`).
   */
  async eraseUnknownBefore(manager: EntityManager, organizationId: string, before: Date): Promise<StoredFile[]> {
    const events = await this.repository.unknownWithSnapshotsBefore(manager, organizationId, before);
    const ids = events
      .flatMap((event) => [event.snapshotFileId, event.snapshotThumbnailId])
      .filter((id) => id !== null);
    if (ids.length === 0) return [];
    await manager
      .getRepository(PresenceEvent)
      .update({ id: In(events.map((event) => event.id)) }, { snapshotFileId: null, snapshotThumbnailId: null });
    const files = await manager.getRepository(StoredFile).findBy({ id: In(ids), organizationId });
    if (files.length > 0) await manager.getRepository(StoredFile).delete({ id: In(files.map((file) => file.id)) });
    return files;
  }

  discard(files: StoredFile[]): Promise<void> {
    return this.photos.discard(files);
  }
}
