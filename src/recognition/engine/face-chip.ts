import type { FaceLandmarks, Point, RgbImage } from './face.types.js';

/**
 * Maps output pixel (u, v) to source position (x, y): x = a*u + b*v + c, y = d*u + e*v + f.
 * Coordinates are pixel indices (pixel i covers [i - 0.5, i + 0.5]).
 */
export interface AffineMap {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

/** Side of the dlib face chip in pixels. */
export const DLIB_CHIP_SIZE = 150;

/**
 * Samples `image` through `map` into `out` (packed RGB float32, 0-255, NHWC) starting at `offset`.
 * Bilinear interpolation; positions outside the image read as black. When one output pixel covers more than about
 * two source pixels, `supersample` (1-4) bilinear samples per axis are averaged to avoid aliasing.
 */
export function warpAffine(
  image: RgbImage,
  map: AffineMap,
  width: number,
  height: number,
  out: Float32Array,
  offset = 0,
  supersample = 1,
): void {
  const k = Math.max(1, Math.min(4, Math.round(supersample)));
  if (map.b === 0 && map.d === 0) {
    warpAxisAligned(image, map, width, height, out, offset, k);
    return;
  }
  const weight = 1 / (k * k);
  const pixel = [0, 0, 0];
  for (let v = 0; v < height; v += 1) {
    for (let u = 0; u < width; u += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < k; sy += 1) {
        const vv = v + (sy + 0.5) / k - 0.5;
        for (let sx = 0; sx < k; sx += 1) {
          const uu = u + (sx + 0.5) / k - 0.5;
          sampleBilinear(image, map.a * uu + map.b * vv + map.c, map.d * uu + map.e * vv + map.f, pixel);
          r += pixel[0];
          g += pixel[1];
          b += pixel[2];
        }
      }
      const at = offset + (v * width + u) * 3;
      out[at] = r * weight;
      out[at + 1] = g * weight;
      out[at + 2] = b * weight;
    }
  }
}

interface Taps {
  index: Int32Array;
  weight: Float32Array;
}

/** Bilinear taps of each output position along one axis, k sub-samples averaged, taps outside [0, size) dropped. */
function axisTaps(count: number, scale: number, shift: number, size: number, k: number): Taps[] {
  const taps: Taps[] = [];
  for (let o = 0; o < count; o += 1) {
    const index: number[] = [];
    const weight: number[] = [];
    for (let s = 0; s < k; s += 1) {
      const x = scale * (o + (s + 0.5) / k - 0.5) + shift;
      const x0 = Math.floor(x);
      const f = x - x0;
      if (x0 >= 0 && x0 < size) {
        index.push(x0);
        weight.push((1 - f) / k);
      }
      if (x0 + 1 >= 0 && x0 + 1 < size && f > 0) {
        index.push(x0 + 1);
        weight.push(f / k);
      }
    }
    taps.push({ index: Int32Array.from(index), weight: Float32Array.from(weight) });
  }
  return taps;
}

/** `warpAffine` for maps without rotation (letterbox, crops): separable, taps computed once per row and column. */
function warpAxisAligned(
  image: RgbImage,
  map: AffineMap,
  width: number,
  height: number,
  out: Float32Array,
  offset: number,
  k: number,
): void {
  const columns = axisTaps(width, map.a, map.c, image.width, k);
  const rows = axisTaps(height, map.e, map.f, image.height, k);
  const { data } = image;
  const stride = image.width * 3;
  for (let v = 0; v < height; v += 1) {
    const row = rows[v];
    for (let u = 0; u < width; u += 1) {
      const column = columns[u];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = 0; j < row.index.length; j += 1) {
        const base = row.index[j] * stride;
        const wy = row.weight[j];
        for (let i = 0; i < column.index.length; i += 1) {
          const at = base + column.index[i] * 3;
          const w = wy * column.weight[i];
          r += w * data[at];
          g += w * data[at + 1];
          b += w * data[at + 2];
        }
      }
      const at = offset + (v * width + u) * 3;
      out[at] = r;
      out[at + 1] = g;
      out[at + 2] = b;
    }
  }
}

function sampleBilinear(image: RgbImage, x: number, y: number, pixel: number[]): void {
  const { width, height, data } = image;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  pixel[0] = 0;
  pixel[1] = 0;
  pixel[2] = 0;
  for (let j = 0; j < 2; j += 1) {
    const yy = y0 + j;
    if (yy < 0 || yy >= height) continue;
    const wy = j === 0 ? 1 - fy : fy;
    for (let i = 0; i < 2; i += 1) {
      const xx = x0 + i;
      if (xx < 0 || xx >= width) continue;
      const w = wy * (i === 0 ? 1 - fx : fx);
      if (w === 0) continue;
      const at = (yy * width + xx) * 3;
      pixel[0] += w * data[at];
      pixel[1] += w * data[at + 1];
      pixel[2] += w * data[at + 2];
    }
  }
}

/** Source pixels covered by one output pixel along an axis (the inverse of the map's scale). */
export function sourcePixelsPerOutputPixel(map: AffineMap): number {
  return Math.sqrt(Math.abs(map.a * map.e - map.b * map.d));
}

const distance = (p: Point, q: Point) => Math.hypot(p.x - q.x, p.y - q.y);

/** Where a face sits in the chip, as fractions of the chip side. */
export interface ChipTemplate {
  /** Mean eye-to-mouth-centre distance over the chip side. */
  eyeMouthRatio: number;
  /** Position of the centroid of (eye, eye, mouth centre). */
  centroidX: number;
  centroidY: number;
}

/** The textbook dlib framing: eye-mouth distance 0.45 of the chip, centroid at (0.5, 0.43). */
export const DLIB_TEMPLATE: ChipTemplate = { eyeMouthRatio: 0.45, centroidX: 0.5, centroidY: 0.43 };

/**
 * The dlib-style chip transform (from chip pixels to image pixels) for eye centres e1, e2 and mouth centre m
 * (midpoint of the two mouth landmarks): the chip spans mean(|e1 - m|, |e2 - m|) / eyeMouthRatio image pixels, the
 * centroid of (e1, e2, m) lands at (centroidX, centroidY) of the chip, and the chip is rotated so the eyes are level.
 */
export function dlibChipMap(landmarks: FaceLandmarks, size = DLIB_CHIP_SIZE, template = DLIB_TEMPLATE): AffineMap {
  const e1 = landmarks.left_eye;
  const e2 = landmarks.right_eye;
  const m = {
    x: (landmarks.mouth_left.x + landmarks.mouth_right.x) / 2,
    y: (landmarks.mouth_left.y + landmarks.mouth_right.y) / 2,
  };
  const span = (distance(e1, m) + distance(e2, m)) / 2 / template.eyeMouthRatio;
  const perPixel = span / size; // image pixels per chip pixel
  const angle = Math.atan2(e2.y - e1.y, e2.x - e1.x);
  const cos = Math.cos(angle) * perPixel;
  const sin = Math.sin(angle) * perPixel;
  const cx = (e1.x + e2.x + m.x) / 3;
  const cy = (e1.y + e2.y + m.y) / 3;
  const tx = template.centroidX * size;
  const ty = template.centroidY * size;
  // image = centroid + R(angle) * perPixel * (chip - target)
  return { a: cos, b: -sin, c: cx - cos * tx + sin * ty, d: sin, e: cos, f: cy - sin * tx - cos * ty };
}

/** Chip positions (in 150x150 chip pixels) of the landmarks a similarity fit uses. */
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
  const src = [template.left_eye, template.right_eye, template.nose, template.mouth];
  const dst = [landmarks.left_eye, landmarks.right_eye, landmarks.nose, mouth];
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
 * Where BlazeFace puts the eyes, nose tip and mouth centre on dlib's own 150x150 chips: the mean over the 55 chips of
 * dlib's examples/johns (made by dlib's 5-point alignment). Fitting a face's landmarks onto these points frames the
 * face the way the network was trained; on LFW View 1 it beat the eyes-and-mouth formula of `dlibChipMap` (98.6% vs
 * 98.2% test accuracy without flipping, both with BlazeFace landmarks). Measured with BlazeFaceDetector's current
 * settings: re-measure when the detector changes. scripts/models/manifest.mjs repeats these points.
 */
export const DLIB_POINT_TEMPLATE: PointTemplate = {
  left_eye: { x: 45.74, y: 46.59 },
  right_eye: { x: 100.51, y: 47.31 },
  nose: { x: 73.53, y: 77.97 },
  mouth: { x: 72.84, y: 107.51 },
};

/** The map of the mirror image of a `size`-wide chip: output column u reads what column size - 1 - u would. */
export function mirrorMap(map: AffineMap, size = DLIB_CHIP_SIZE): AffineMap {
  return { a: -map.a, b: map.b, c: map.a * (size - 1) + map.c, d: -map.d, e: map.e, f: map.d * (size - 1) + map.f };
}

/**
 * Writes one 150x150 chip (NHWC RGB float32 0-255) through `map` into `out` at `offset`, supersampling when the face
 * is larger than the chip.
 */
export function extractChip(
  image: RgbImage,
  map: AffineMap,
  out: Float32Array,
  offset = 0,
  size = DLIB_CHIP_SIZE,
): void {
  warpAffine(image, map, size, size, out, offset, Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5));
}

/** The dlib chip map the embedder uses: the similarity fit of the landmarks onto `DLIB_POINT_TEMPLATE`. */
export function dlibChipMapFor(landmarks: FaceLandmarks): AffineMap {
  return similarityChipMap(landmarks, DLIB_POINT_TEMPLATE);
}
