/** Turns the distance between two L2-normalised embeddings into an explained open-set decision. */

export type MatchQuality = 'excellent' | 'good' | 'fair' | 'poor';

export interface MatchDecision {
  match: boolean;
  /** Cosine similarity, 1 - distance² / 2, in [-1, 1]. */
  similarity: number;
  /** Euclidean distance between the normalised embeddings, in [0, 2]. */
  distance: number;
  /** Distance at or below which two faces are taken as one person. */
  threshold: number;
  /** 0-1: how sure the decision is that the faces are one person (0.5 at the threshold). */
  confidence: number;
  match_quality: MatchQuality;
}

/**
 * Width of the band around the threshold in which confidence moves from about 0.12 to 0.88: on LFW the
 * distances of true and false pairs overlap over roughly ±0.08 around the calibrated threshold.
 */
const CONFIDENCE_SCALE = 0.04;

export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`Embedding sizes differ: ${a.length} and ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const difference = a[i] - b[i];
    sum += difference * difference;
  }
  return Math.sqrt(sum);
}

export function similarityToDistance(similarity: number): number {
  return Math.sqrt(Math.max(0, 2 - 2 * similarity));
}

/**
 * A descriptor's threshold for comparing two photos with a turned face (the manifest's `turned_threshold`): when
 * either face is turned by `min_yaw` degrees or more, two faces of one person sit farther apart than two frontal
 * ones, and `threshold` applies instead of the default. Not for identity claims or 1:N search (docs/recognition.md).
 */
export interface TurnedThreshold {
  min_yaw: number;
  threshold: number;
}

/**
 * The threshold of a comparison of two photos whose faces have these yaws (degrees):
 * `turned.threshold` when any is turned by `turned.min_yaw` or more, else `threshold`.
 */
export function verificationThreshold(threshold: number, turned: TurnedThreshold | null, yaws: number[]): number {
  return turned && yaws.some((yaw) => isTurned(yaw, turned)) ? turned.threshold : threshold;
}

/** Whether a face of this yaw (degrees) is turned far enough for `turned` to apply to it. */
export function isTurned(yaw: number, turned: TurnedThreshold): boolean {
  return Math.abs(yaw) >= turned.min_yaw;
}

export function decideMatch(distance: number, threshold: number): MatchDecision {
  const confidence = 1 / (1 + Math.exp((distance - threshold) / CONFIDENCE_SCALE));
  return {
    match: distance <= threshold,
    similarity: round(1 - (distance * distance) / 2),
    distance: round(distance),
    threshold,
    confidence: round(confidence),
    match_quality: qualityOf(distance / threshold),
  };
}

function qualityOf(ratio: number): MatchQuality {
  if (ratio <= 0.7) return 'excellent';
  if (ratio <= 0.85) return 'good';
  if (ratio <= 1) return 'fair';
  return 'poor';
}

const round = (value: number) => Math.round(value * 10000) / 10000;
