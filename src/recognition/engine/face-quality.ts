import type { DetectedFace, FaceLandmarks, RgbImage } from './face.types.js';
import { cropResizeToGrey } from './image-crop.js';

export type QualityVerdict = 'good' | 'fair' | 'poor';

export interface FaceQuality {
  /**
   * Focus, 0-1: v / (v + SHARPNESS_HALF_POINT), v = variance of the Laplacian of the grey face box resized to a
   * square of its shorter side, at most SHARPNESS_CROP_SIDE px (large faces are shrunk, small ones never enlarged:
   * a small face is judged by face_size, not by blur that enlarging would add).
   */
  sharpness: number;
  /** Mean BT.601 luma of the face box, 0-255. */
  brightness: number;
  /** Shorter side of the face box in pixels. */
  face_size: number;
  /** Degrees; positive when the nose points to the image right (see estimatePose). */
  yaw: number;
  /** Degrees; positive when the eye line slopes down to the image right (clockwise on screen). */
  roll: number;
  overall: QualityVerdict;
  /** Why the face is not 'good': failed limits first, then values close to a limit. */
  reasons: string[];
}

export interface QualityThresholds {
  /** Shorter box side in pixels. */
  minFaceSize: number;
  /** 0-1, on the scale of FaceQuality.sharpness. */
  minSharpness: number;
  minBrightness: number;
  maxBrightness: number;
  /** Absolute degrees. */
  maxYaw: number;
  maxRoll: number;
  /** A value within this share of a limit (on the passing side) makes the face 'fair' instead of 'good'. */
  fairMargin: number;
}

/** For detection and identification: rejects only faces the embedder cannot use. */
export const DEFAULT_QUALITY_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
  minFaceSize: 48,
  minSharpness: 0.15,
  minBrightness: 40,
  maxBrightness: 220,
  maxYaw: 40,
  maxRoll: 30,
  fairMargin: 0.2,
});

/**
 * For enrollment photos, which every later match is compared with. maxYaw fits a frontal photo: callers enrolling
 * a named side angle (left, right, angled_*) should raise it, e.g. `{ ...ENROLLMENT_QUALITY_THRESHOLDS, maxYaw: 60 }`.
 */
export const ENROLLMENT_QUALITY_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
  minFaceSize: 100,
  minSharpness: 0.3,
  minBrightness: 60,
  maxBrightness: 200,
  maxYaw: 35,
  maxRoll: 15,
  fairMargin: 0.2,
});

/** Largest side of the grey face crop the sharpness is measured on (about the embedder's face chip). */
export const SHARPNESS_CROP_SIDE = 112;
const MIN_CROP_SIDE = 16;
/** Laplacian variance that maps to sharpness 0.5. */
export const SHARPNESS_HALF_POINT = 100;

const DEGREES = 180 / Math.PI;

/**
 * Head pose from 5 landmarks. roll = angle of the line from the image-left to the image-right eye.
 * yaw: undo the roll around the eye midpoint E, draw the midline from E to the mouth midpoint M, take the nose's
 * horizontal offset d from that midline at the nose's height, and yaw = atan(d / (eye distance / 2)).
 * That is exact for a nose tip that stands half an eye distance in front of the eye-mouth plane (close to
 * average anatomy): turning by yaw shifts the nose by that depth * sin(yaw) while the half eye distance shrinks
 * by cos(yaw). 0 for a frontal face, about ±45° for a half-profile.
 */
export function estimatePose(landmarks: FaceLandmarks): { yaw: number; roll: number } {
  const { left_eye: le, right_eye: re, nose, mouth_left: ml, mouth_right: mr } = landmarks;
  const rollRadians = Math.atan2(re.y - le.y, re.x - le.x);
  const eyes = { x: (le.x + re.x) / 2, y: (le.y + re.y) / 2 };
  const cos = Math.cos(-rollRadians);
  const sin = Math.sin(-rollRadians);
  const upright = (p: { x: number; y: number }) => ({
    x: (p.x - eyes.x) * cos - (p.y - eyes.y) * sin,
    y: (p.x - eyes.x) * sin + (p.y - eyes.y) * cos,
  });
  const mouth = upright({ x: (ml.x + mr.x) / 2, y: (ml.y + mr.y) / 2 });
  const tip = upright(nose);
  const midlineX = mouth.y > 0 ? (mouth.x * tip.y) / mouth.y : 0;
  const halfEyeDistance = Math.hypot(re.x - le.x, re.y - le.y) / 2;
  const yaw = halfEyeDistance > 0 ? Math.atan((tip.x - midlineX) / halfEyeDistance) : 0;
  return { yaw: yaw * DEGREES, roll: rollRadians * DEGREES };
}

/** Variance of the 4-neighbour Laplacian over the interior of a grey image. */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumOfSquares = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const at = y * width + x;
      const value = grey[at - 1] + grey[at + 1] + grey[at - width] + grey[at + width] - 4 * grey[at];
      sum += value;
      sumOfSquares += value * value;
      count++;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return sumOfSquares / count - mean * mean;
}

/** Image-quality measures of a detected face and a good/fair/poor verdict against thresholds. No model. */
export class FaceQualityAssessor {
  constructor(private readonly thresholds: Readonly<QualityThresholds> = DEFAULT_QUALITY_THRESHOLDS) {}

  assess(image: RgbImage, face: DetectedFace, thresholds: Readonly<QualityThresholds> = this.thresholds): FaceQuality {
    const [x1, y1, x2, y2] = face.bbox;
    const box = { x: x1, y: y1, width: Math.max(x2 - x1, 1), height: Math.max(y2 - y1, 1) };
    const side = Math.round(Math.min(Math.max(Math.min(box.width, box.height), MIN_CROP_SIDE), SHARPNESS_CROP_SIDE));
    const grey = cropResizeToGrey(image, box, side, side);
    const variance = laplacianVariance(grey, side, side);
    const measures = {
      sharpness: variance / (variance + SHARPNESS_HALF_POINT),
      brightness: grey.reduce((sum, value) => sum + value, 0) / grey.length,
      face_size: Math.min(x2 - x1, y2 - y1),
      ...estimatePose(face.landmarks),
    };
    return { ...measures, ...judge(measures, thresholds) };
  }
}

type Measures = Omit<FaceQuality, 'overall' | 'reasons'>;

interface Check {
  /** What is measured, as a reason names it. */
  measure: string;
  /** The reason when the limit fails. */
  problem: string;
  value: number;
  limit: number;
  kind: 'min' | 'max';
  format: (value: number) => string;
}

const FACE_SIZE = { measure: 'face size', problem: 'face too small' } as const;

function judge(m: Measures, t: Readonly<QualityThresholds>): Pick<FaceQuality, 'overall' | 'reasons'> {
  const px = (v: number) => `${Number(v.toFixed(1))} px`;
  const deg = (v: number) => `${Number(v.toFixed(1))}°`;
  const level = (v: number) => v.toFixed(0);
  const share = (v: number) => v.toFixed(2);
  const yaw = Math.abs(m.yaw);
  const roll = Math.abs(m.roll);
  const checks: Check[] = [
    {
      ...FACE_SIZE,
      value: m.face_size,
      limit: t.minFaceSize,
      kind: 'min',
      format: px,
    },
    {
      measure: 'sharpness',
      problem: 'face too blurry',
      value: m.sharpness,
      limit: t.minSharpness,
      kind: 'min',
      format: share,
    },
    {
      measure: 'brightness',
      problem: 'face too dark',
      value: m.brightness,
      limit: t.minBrightness,
      kind: 'min',
      format: level,
    },
    {
      measure: 'brightness',
      problem: 'face too bright',
      value: m.brightness,
      limit: t.maxBrightness,
      kind: 'max',
      format: level,
    },
    { measure: 'yaw', problem: 'head turned too far', value: yaw, limit: t.maxYaw, kind: 'max', format: deg },
    { measure: 'roll', problem: 'head tilted too far', value: roll, limit: t.maxRoll, kind: 'max', format: deg },
  ];
  const failed = checks.filter((c) => (c.kind === 'min' ? c.value < c.limit : c.value > c.limit));
  const close = checks.filter((c) => !failed.includes(c) && isClose(c, t.fairMargin));
  const reasons = [
    ...failed.map((c) => {
      const name = c.measure === FACE_SIZE.measure ? '' : `${c.measure} `;
      return `${c.problem}: ${name}${c.format(c.value)} ${c.kind === 'min' ? '<' : '>'} ${c.format(c.limit)}`;
    }),
    ...close.map((c) => `${c.measure} close to the limit: ${c.format(c.value)} (${c.kind} ${c.format(c.limit)})`),
  ];
  const overall: QualityVerdict = failed.length > 0 ? 'poor' : close.length > 0 ? 'fair' : 'good';
  return { overall, reasons };
}

/** Whether a reason of `judge` is about the face's size (failed or close to the limit), which is in pixels. */
export function isFaceSizeReason(reason: string): boolean {
  return reason.startsWith(`${FACE_SIZE.problem}:`) || reason.startsWith(`${FACE_SIZE.measure} close`);
}

function isClose(check: Check, margin: number): boolean {
  return check.kind === 'min' ? check.value < check.limit * (1 + margin) : check.value > check.limit * (1 - margin);
}
