import { nearestUnknown } from './unknown-faces.js';

/** Faces remembered per camera; the oldest go first. */
const PER_CAMERA = 16;
/** Cameras remembered; past this many, the memory starts over. */
const MAX_CAMERAS = 1_000;

interface Sighting {
  id: string;
  embedding: Float32Array;
  at: number;
}

/**
 * Which faces each camera showed lately, on this instance: a guess, before the database is asked, of which faces of
 * a frame will start a new presence event, so that their snapshots can be encoded while the recorder looks for an
 * event to repeat. Only a guess (another instance may have seen the face; the recorder decides under its locks):
 * a wrong one costs an unused snapshot or a snapshot encoded later, never a wrong event.
 */
export class RecentFaces {
  private readonly cameras = new Map<string, Sighting[]>();
  private sequence = 0;

  constructor(private readonly windowMs: number) {}

  /** False when a face this much alike (cosine similarity) was seen by the camera within the window of `at`. */
  likelyNew(cameraId: string, embedding: Float32Array, at: Date, minSimilarity: number): boolean {
    const recent = this.recent(cameraId, at.getTime());
    return nearestUnknown(embedding, recent, minSimilarity) === null;
  }

  remember(cameraId: string, embeddings: Float32Array[], at: Date): void {
    if (embeddings.length === 0 || this.windowMs === 0) return;
    if (!this.cameras.has(cameraId) && this.cameras.size >= MAX_CAMERAS) this.cameras.clear();
    const time = at.getTime();
    const sightings = [
      ...this.recent(cameraId, time),
      ...embeddings.map((embedding) => ({ id: String((this.sequence += 1)), embedding, at: time })),
    ];
    this.cameras.set(cameraId, sightings.slice(-PER_CAMERA));
  }

  private recent(cameraId: string, time: number): Sighting[] {
    return (this.cameras.get(cameraId) ?? []).filter((sighting) => Math.abs(sighting.at - time) <= this.windowMs);
  }
}
