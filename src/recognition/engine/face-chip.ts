import { type AffineMap, sourcePixelsPerOutputPixel, warpAffine } from './affine-warp.js';
import type { FaceLandmarks, Point, RgbImage } from './face.types.js';

/** Side of the dlib face chip in pixels. */
export const DLIB_CHIP_SIZE = 150;

/**
 * Chip positions (in 150x150 chip pixels) of the landmarks a similarity fit uses. The embedder's come from the model
 * manifest (`template_points`, measured on dlib's own chips; see scripts/models/manifest.mjs).
 */
export interface PointTemplate {
  left_eye: Point;
  right_eye: Point;
  nose: Point;
  mouth: Point;
}

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) taking the template's chip points onto
 * the face's landmarks (eyes, nose tip, mouth centre), returned as a map from chip pixels to image pixels.
 */
export function similarityChipMap(landmarks: FaceLandmarks, template: PointTemplate): AffineMap {
  const mouth = {
    x: (landmarks.mouth_left.x + landmarks.mouth_right.x) / 2,
    y: (landmarks.mouth_left.y + landmarks.mouth_right.y) / 2,
  };
  return similarityFit(
    [template.left_eye, template.right_eye, template.nose, template.mouth],
    [landmarks.left_eye, landmarks.right_eye, landmarks.nose, mouth],
  );
}

/**
 * Least-squares similarity transform taking the chip points `src` onto the image points `dst` (same length and
 * order), as a map from chip pixels to image pixels.
 */
export function similarityFit(src: Point[], dst: Point[]): AffineMap {
  const mean = (ps: Point[]) => ({
    x: ps.reduce((s, p) => s + p.x, 0) / ps.length,
    y: ps.reduce((s, p) => s + p.y, 0) / ps.length,
  });
  const sc = mean(src);
  const dc = mean(dst);
  // As complex numbers: dst - dc = z * (src - sc), z = Σ conj(s) d / Σ |s|².
  let re = 0;
  let im = 0;
  let norm = 0;
  src.forEach((s, i) => {
    const sx = s.x - sc.x;
    const sy = s.y - sc.y;
    const dx = dst[i].x - dc.x;
    const dy = dst[i].y - dc.y;
    re += sx * dx + sy * dy;
    im += sx * dy - sy * dx;
    norm += sx * sx + sy * sy;
  });
  const a = re / norm;
  const b = im / norm;
  return { a, b: -b, c: dc.x - a * sc.x + b * sc.y, d: b, e: a, f: dc.y - b * sc.x - a * sc.y };
}

/**
 * Writes one 150x150 chip (NHWC RGB float32 0-255) through `map` into `out` at `offset`, supersampling when the face
 * is larger than the chip.
 */
export function extractChip(image: RgbImage, map: AffineMap, out: Float32Array, offset = 0): void {
  const size = DLIB_CHIP_SIZE;
  warpAffine(image, map, size, size, out, offset, Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5));
}

/**
 * The template points of `models/manifest.json` (`input.template_points` of the embedder: [x, y] chip pixels of
 * left_eye, right_eye, nose, mouth_centre) as a PointTemplate; throws when any is missing or not a finite pair.
 */
export function pointTemplateFromManifest(points: unknown): PointTemplate {
  const read = (name: string): Point => {
    const value = (points as Record<string, unknown> | undefined)?.[name];
    if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => Number.isFinite(n))) {
      throw new Error(`template_points.${name} must be an [x, y] pair of numbers`);
    }
    return { x: value[0] as number, y: value[1] as number };
  };
  return { left_eye: read('left_eye'), right_eye: read('right_eye'), nose: read('nose'), mouth: read('mouth_centre') };
}

/** Chip positions of the 68-point landmarks from `first_point` on (the alignment on the landmark model's points). */
export interface LandmarkTemplate {
  firstPoint: number;
  points: Point[];
}

/**
 * The embedder's `input.landmark_template` of `models/manifest.json` (`first_point` and `points`: [x, y] chip
 * pixels of points first_point..67); throws when malformed.
 */
export function landmarkTemplateFromManifest(value: unknown): LandmarkTemplate {
  const { first_point: firstPoint, points } = (value ?? {}) as { first_point?: unknown; points?: unknown };
  if (typeof firstPoint !== 'number' || !Number.isInteger(firstPoint) || firstPoint < 0 || !Array.isArray(points)) {
    throw new Error('landmark_template needs an integer first_point and a points array');
  }
  if (firstPoint + points.length !== 68) throw new Error('landmark_template.points must run up to point 67');
  return {
    firstPoint,
    points: points.map((pair: unknown, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => Number.isFinite(n))) {
        throw new Error(`landmark_template.points[${i}] must be an [x, y] pair of numbers`);
      }
      return { x: pair[0] as number, y: pair[1] as number };
    }),
  };
}
