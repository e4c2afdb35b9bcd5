import type { DetectedFace, FaceLandmarks, RgbImage } from './face.types.js';
import { iou } from './non-max-suppression.js';

/** Input side of the BlazeFace back model. */
export const BLAZEFACE_SIZE = 256;

/** One raw detection in model-input pixels: box [x1, y1, x2, y2] and 6 keypoints [x, y]. */
export interface RawDetection {
  score: number;
  box: [number, number, number, number];
  keypoints: [number, number][];
}

/** Anchor grids of a BlazeFace model: [stride, anchors per cell] in output order. */
export type AnchorLayers = readonly (readonly [number, number])[];

/** The back model: 16x16 cells x 2 anchors, then 8x8 cells x 6 anchors (256x256 input). */
export const BACK_MODEL_ANCHORS: AnchorLayers = [
  [16, 2],
  [32, 6],
];

/** The full-range model: 48x48 cells x 1 anchor (192x192 input). */
export const FULL_RANGE_ANCHORS: AnchorLayers = [[4, 1]];

/**
 * MediaPipe SSD anchors (SsdAnchorsCalculator, fixed anchor size): per layer, cells of `stride` pixels with
 * `perCell` anchors each, centres in input pixels. Layers with the same stride share one grid, their anchors listed
 * together per cell. The back model's strides 16, 32, 32, 32 give BACK_MODEL_ANCHORS.
 */
export function blazeFaceAnchors(
  inputSize = BLAZEFACE_SIZE,
  layers: AnchorLayers = BACK_MODEL_ANCHORS,
): [number, number][] {
  const anchors: [number, number][] = [];
  for (const [stride, perCell] of layers) {
    const cells = inputSize / stride;
    for (let y = 0; y < cells; y += 1) {
      for (let x = 0; x < cells; x += 1) {
        for (let k = 0; k < perCell; k += 1) anchors.push([(x + 0.5) * stride, (y + 0.5) * stride]);
      }
    }
  }
  return anchors;
}

/** One anchor per `stride` x `stride` cell of a `width` x `height` input, row by row, centres in input pixels. */
export function gridAnchors(width: number, height: number, stride: number): [number, number][] {
  const anchors: [number, number][] = [];
  for (let y = 0; y < height / stride; y += 1) {
    for (let x = 0; x < width / stride; x += 1) anchors.push([(x + 0.5) * stride, (y + 0.5) * stride]);
  }
  return anchors;
}

/** Decodes the model outputs (`scores` [896], `boxes` [896 x 16]) for anchors scoring at least `minScore`. */
export function decodeBlazeFace(
  scores: Float32Array,
  boxes: Float32Array,
  anchors: [number, number][],
  minScore: number,
): RawDetection[] {
  const found: RawDetection[] = [];
  anchors.forEach(([ax, ay], i) => {
    const score = scores[i];
    if (!(score >= minScore)) return;
    const r = boxes.subarray(i * 16, i * 16 + 16);
    const cx = ax + r[0];
    const cy = ay + r[1];
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k += 1) keypoints.push([ax + r[4 + 2 * k], ay + r[5 + 2 * k]]);
    found.push({ score, box: [cx - r[2] / 2, cy - r[3] / 2, cx + r[2] / 2, cy + r[3] / 2], keypoints });
  });
  return found;
}

/**
 * MediaPipe's weighted non-maximum suppression: the best remaining detection and every other one overlapping it by
 * more than `iouThreshold` are merged into one, box and keypoints averaged with the scores as weights; the merged
 * detection keeps the best score. Stabler boxes and landmarks than plain NMS.
 */
export function weightedNonMaxSuppression(detections: RawDetection[], iouThreshold: number): RawDetection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const merged: RawDetection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0];
    const cluster = remaining.filter((d) => iou(best.box, d.box) > iouThreshold || d === best);
    remaining = remaining.filter((d) => !cluster.includes(d));
    const total = cluster.reduce((s, d) => s + d.score, 0);
    const avg = (pick: (d: RawDetection) => number) => cluster.reduce((s, d) => s + pick(d) * d.score, 0) / total;
    merged.push({
      score: best.score,
      box: [avg((d) => d.box[0]), avg((d) => d.box[1]), avg((d) => d.box[2]), avg((d) => d.box[3])],
      keypoints: best.keypoints.map((_, k) => [avg((d) => d.keypoints[k][0]), avg((d) => d.keypoints[k][1])]),
    });
  }
  return merged;
}

/**
 * BlazeFace gives one mouth point (its centre). The two mouth corners are estimated from it, half the typical
 * mouth width (0.43 x the eye distance, from the ArcFace 5-point template) along the eye line on either side, so their
 * midpoint is exactly the detected mouth centre. They are estimates, not measurements.
 */
const HALF_MOUTH_PER_EYE_DISTANCE = 0.43;

/** A merged detection in image pixels as a face: box clipped to the image, 6 keypoints mapped to 5 landmarks. */
export function toDetectedFace(d: RawDetection, image: RgbImage): DetectedFace {
  const [leftEye, rightEye, nose, mouth] = d.keypoints.map(([x, y]) => ({ x, y }));
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const half = {
    x: (rightEye.x - leftEye.x) * HALF_MOUTH_PER_EYE_DISTANCE,
    y: (rightEye.y - leftEye.y) * HALF_MOUTH_PER_EYE_DISTANCE,
  };
  const landmarks: FaceLandmarks = {
    left_eye: leftEye,
    right_eye: rightEye,
    nose,
    mouth_left: { x: mouth.x - half.x, y: mouth.y - half.y },
    mouth_right: { x: mouth.x + half.x, y: mouth.y + half.y },
  };
  return {
    bbox: [
      clip(d.box[0], image.width),
      clip(d.box[1], image.height),
      clip(d.box[2], image.width),
      clip(d.box[3], image.height),
    ],
    confidence: d.score,
    landmarks,
  };
}
