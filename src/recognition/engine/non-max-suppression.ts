import type { DetectedFace } from './face.types.js';

type Box = [number, number, number, number];

/** Intersection over union of two [x1, y1, x2, y2] boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const width = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const height = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = area(a) + area(b) - intersection;
  return union > 0 ? intersection / union : 0;
}

function area(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

/**
 * Greedy non-maximum suppression: keeps the highest-scoring face, drops every other face overlapping it by more
 * than `iouThreshold`, and repeats. Returns the kept faces by descending confidence; the input is not changed.
 */
export function nonMaxSuppression(faces: DetectedFace[], iouThreshold: number): DetectedFace[] {
  const sorted = [...faces].sort((a, b) => b.confidence - a.confidence);
  const kept: DetectedFace[] = [];
  for (const face of sorted) {
    if (kept.every((other) => iou(face.bbox, other.bbox) <= iouThreshold)) kept.push(face);
  }
  return kept;
}
