import type { PresenceDetection } from '../events/domain-events.js';
import type { FaceMatch } from '../faces/identification.service.js';
import type { AnalysedFace } from '../recognition/recognition-engine.js';
import { fileApiPath } from '../storage/file-urls.js';
import type { EncodedPhoto } from '../storage/photo-store.js';
import type { FaceBox, PresenceEvent } from './presence-event.entity.js';

/** One face of a frame after analysis and matching, with what was decided about it before it is stored. */
export interface SeenFace {
  face: AnalysedFace;
  match: FaceMatch;
  /** The camera asks for liveness, the model ran, and it took the face for a photo or a screen. */
  spoofed: boolean;
  /** The face's snapshot JPEG and its thumbnail, cut when asked (a repeat of an open event stores none). */
  snapshot: () => Promise<EncodedPhoto>;
}

/** A face as stored: the event it became, and whether that event is new or a repeat counted into an earlier one. */
export interface RecordedFace {
  seen: SeenFace;
  event: PresenceEvent;
  created: boolean;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function toFaceBox([x1, y1, x2, y2]: AnalysedFace['bbox']): FaceBox {
  return { x: round1(x1), y: round1(y1), width: round1(x2 - x1), height: round1(y2 - y1) };
}

/** What `presence.recognized` says about one face (the socket and webhook payload). */
export function toPresenceDetection({ seen, event, created }: RecordedFace, modelsUsed: string[]): PresenceDetection {
  const person = seen.match.person;
  const liveness = seen.face.liveness;
  return {
    eventId: event.id,
    isNewEvent: created,
    seenCount: event.seenCount,
    eventType: event.eventType,
    bbox: toFaceBox(seen.face.bbox),
    matched: person !== null,
    personId: person?.id ?? null,
    personName: person?.full_name ?? null,
    personCode: person?.code ?? null,
    kind: person?.kind ?? 'unknown',
    matchConfidence: seen.match.decision?.similarity ?? seen.match.bestSimilarity,
    liveness: liveness ? { passed: liveness.is_live, score: Math.round(liveness.score * 10000) / 10000 } : null,
    isAnomaly: event.isAnomaly,
    anomalyReason: event.anomalyReason,
    reviewStatus: event.reviewStatus,
    thumbnailUrl: fileApiPath(event.snapshotThumbnailId),
    modelsUsed,
  };
}
