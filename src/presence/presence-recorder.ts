import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CameraProfile } from '../cameras/camera-profile.js';
import { AppConfig } from '../config/app-config.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { embeddingToBytes } from '../faces/face-template.entity.js';
import { toDetectedFaceDto } from '../recognition/recognition.dto.js';
import { PhotoStore, type StoredPhoto } from '../storage/photo-store.js';
import { type AnomalyReason, PresenceEvent } from './presence-event.entity.js';
import { PresenceEventsRepository, type Window } from './presence-events.repository.js';
import { type RecordedFace, type SeenFace, toFaceBox, toPresenceDetection } from './seen-face.js';
import { ShiftCheck } from './shift-check.js';
import { nearestUnknown } from './unknown-faces.js';
import { fileApiPath } from '../storage/file-urls.js';

/** One processed frame, ready to be stored. */
export interface FrameRecord {
  camera: CameraProfile;
  frameTime: Date;
  faces: SeenFace[];
  /** Cosine similarity at or above which two unknown faces count as one stranger (the camera's match threshold). */
  unknownSimilarity: number;
  processingMs: number;
  modelsUsed: string[];
}

/**
 * Stores the faces of a frame as presence events in one transaction and publishes what they mean.
 *
 * Debounce: a face that repeats an event of the same camera within the window (the same person, or an unknown
 * face close enough to an unknown one; a spoofed face only repeats a spoofed one) counts into that event. Two
 * frames processed at once must not both miss each other's new event, so the transaction first takes advisory
 * locks on the camera and on every person in the frame (always in one order): frames of one camera, and frames
 * showing one person, store one after the other, and each sees what the previous one committed. The person locks
 * also make the two-locations check see a concurrent frame of another camera.
 */
@Injectable()
export class PresenceRecorder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: PresenceEventsRepository,
    private readonly photos: PhotoStore,
    private readonly events: DomainEventBus,
    private readonly config: AppConfig,
    private readonly shifts: ShiftCheck,
  ) {}

  async record(frame: FrameRecord): Promise<RecordedFace[]> {
    const stored: StoredPhoto[] = [];
    try {
      return await this.dataSource.transaction(async (manager) => {
        const people = frame.faces.flatMap((seen) => (seen.match.person ? [`person:${seen.match.person.id}`] : []));
        await this.repository.lock(manager, [`camera:${frame.camera.id}`, ...people]);
        const repeated = new Set<string>();
        const recorded: (RecordedFace | null)[] = [];
        for (const seen of frame.faces) {
          const earlier = await this.findRepeat(manager, frame, seen, repeated);
          if (!earlier) {
            recorded.push(null);
            continue;
          }
          repeated.add(typeof earlier === 'string' ? earlier : earlier.id);
          const { decision, bestSimilarity } = seen.match;
          const similarity = decision?.similarity ?? bestSimilarity;
          const event = await this.repository.addSighting(
            manager,
            earlier,
            frame.frameTime,
            similarity,
            decision?.confidence ?? null,
          );
          recorded.push({ seen, event, created: false });
        }
        const fresh = frame.faces.filter((_, i) => recorded[i] === null);
        const events = await this.insertNew(manager, frame, fresh, stored);
        for (const [i, seen] of frame.faces.entries()) {
          if (recorded[i] === null) recorded[i] = { seen, event: events[fresh.indexOf(seen)], created: true };
        }
        const faces = recorded.filter((face): face is RecordedFace => face !== null);
        await this.publish(manager, frame, faces);
        return faces;
      });
    } catch (error) {
      await this.photos.discard(stored.flatMap(({ photo, thumbnail }) => [photo, thumbnail]));
      throw error;
    }
  }

  /**
   * The event this face repeats, if any (an event is repeated by one face of a frame at most): a person's event as
   * read under its row lock, an unknown face's by id.
   */
  private async findRepeat(
    manager: EntityManager,
    frame: FrameRecord,
    seen: SeenFace,
    repeated: Set<string>,
  ): Promise<PresenceEvent | string | null> {
    const seconds = this.config.presence.debounceSeconds;
    if (seconds === 0) return null;
    const window = around(frame.frameTime, seconds);
    const cameraId = frame.camera.id;
    if (seen.match.person) {
      const event = await this.repository.latestOfPerson(manager, cameraId, seen.match.person.id, seen.spoofed, window);
      return event && !repeated.has(event.id) ? event : null;
    }
    if (!seen.face.embedding) return null;
    const candidates = await this.repository.recentUnknown(manager, cameraId, seen.spoofed, window);
    const available = candidates.filter((candidate) => !repeated.has(candidate.id));
    return nearestUnknown(seen.face.embedding, available, frame.unknownSimilarity)?.id ?? null;
  }

  /**
   * New events for `faces`, in order: their snapshots encoded side by side and stored at once (each added to
   * `stored` for the caller to discard if the transaction fails), then one row per face.
   */
  private async insertNew(
    manager: EntityManager,
    frame: FrameRecord,
    faces: SeenFace[],
    stored: StoredPhoto[],
  ): Promise<PresenceEvent[]> {
    const encoded = await Promise.all(faces.map((seen) => seen.snapshot()));
    const photos = await this.photos.saveEncoded(manager, frame.camera.organizationId, encoded);
    stored.push(...photos);
    const events: PresenceEvent[] = [];
    for (const [i, seen] of faces.entries()) events.push(await this.insert(manager, frame, seen, photos[i]));
    return events;
  }

  private async insert(
    manager: EntityManager,
    frame: FrameRecord,
    seen: SeenFace,
    photo: StoredPhoto,
  ): Promise<PresenceEvent> {
    const { camera, frameTime } = frame;
    const { face, match } = seen;
    const reason = await this.anomalyOf(manager, frame, seen);
    const repository = manager.getRepository(PresenceEvent);
    return repository.save(
      repository.create({
        organizationId: camera.organizationId,
        cameraId: camera.id,
        locationId: camera.locationId,
        employeeId: match.person?.id ?? null,
        eventType: camera.direction,
        occurredAt: frameTime,
        lastSeenAt: frameTime,
        seenCount: 1,
        similarity: match.decision?.similarity ?? match.bestSimilarity,
        confidence: match.decision?.confidence ?? null,
        detectionConfidence: Math.round(face.confidence * 10000) / 10000,
        livenessChecked: face.liveness !== undefined,
        livenessPassed: face.liveness?.is_live ?? null,
        livenessScore: face.liveness ? Math.round(face.liveness.score * 10000) / 10000 : null,
        bbox: toFaceBox(face.bbox),
        quality: { ...toDetectedFaceDto(face).quality },
        snapshotFileId: photo.photo.id,
        snapshotThumbnailId: photo.thumbnail.id,
        processingMs: frame.processingMs,
        isUnknownFace: match.person === null,
        unknownEmbedding: match.person === null && face.embedding ? embeddingToBytes(face.embedding) : null,
        isAnomaly: reason !== null,
        anomalyReason: reason,
        // Unknown faces wait for someone to say who they are; anomalies for someone to look at them.
        reviewStatus: reason !== null || match.person === null ? 'pending' : 'not_required',
      }),
    );
  }

  /** The first that applies: a suspected spoof, the person at another location just now, outside their shift. */
  private async anomalyOf(manager: EntityManager, frame: FrameRecord, seen: SeenFace): Promise<AnomalyReason | null> {
    if (seen.spoofed) return 'spoof_suspected';
    const person = seen.match.person;
    if (!person) return null;
    const { camera, frameTime } = frame;
    const seconds = this.config.presence.travelSeconds;
    if (camera.locationId && seconds > 0) {
      const window = around(frameTime, seconds);
      const elsewhere = await this.repository.seenElsewhere(
        manager,
        camera.organizationId,
        person.id,
        camera.locationId,
        window,
      );
      if (elsewhere) return 'two_locations';
    }
    // Only a new event asks (a repeat keeps its event's reason), in the transaction's session.
    const offShift = await this.shifts.outsideShift(camera.organizationId, [person.id], frameTime, manager);
    return offShift.has(person.id) ? 'outside_shift' : null;
  }

  private async publish(manager: EntityManager, frame: FrameRecord, recorded: RecordedFace[]): Promise<void> {
    if (recorded.length === 0) return;
    const { camera } = frame;
    const frameTime = frame.frameTime.toISOString();
    const base = { organizationId: camera.organizationId, cameraId: camera.id, locationId: camera.locationId };
    await this.events.publish(manager, 'presence.recognized', {
      ...base,
      streamUrl: camera.streamUrl,
      frameTime,
      detections: recorded.map((face) => toPresenceDetection(face, frame.modelsUsed)),
    });
    for (const { event, created } of recorded) {
      if (!created) continue;
      if (event.isUnknownFace) {
        await this.events.publish(manager, 'presence.unknown', {
          ...base,
          eventId: event.id,
          frameTime,
          thumbnailUrl: fileApiPath(event.snapshotThumbnailId),
        });
      }
      if (event.isAnomaly && event.anomalyReason) {
        await this.events.publish(manager, 'presence.anomaly', {
          ...base,
          eventId: event.id,
          employeeId: event.employeeId,
          reason: event.anomalyReason,
          frameTime,
        });
      }
    }
  }
}

function around(time: Date, seconds: number): Window {
  return { from: new Date(time.getTime() - seconds * 1000), to: new Date(time.getTime() + seconds * 1000) };
}
