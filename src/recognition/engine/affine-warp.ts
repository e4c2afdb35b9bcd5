import { axisTaps, positionTaps, resampleRgb } from './bilinear-resample.js';
import type { RgbImage } from './face.types.js';

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
  const pixel = new Float64Array(3);
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
  const columns = axisTaps(width, map.a, map.c, image.width, 'zero', k);
  const rows = axisTaps(height, map.e, map.f, image.height, 'zero', k);
  resampleRgb(image, columns, rows, out, { offset, rowStride: width * 3, pixelStride: 3, red: 0, green: 1, blue: 2 });
}

// Scratch taps of one sample (two per axis); the warp is synchronous, so one set serves every call.
const xIndex = new Int32Array(2);
const xWeight = new Float64Array(2);
const yIndex = new Int32Array(2);
const yWeight = new Float64Array(2);

/** The bilinear value at source position (x, y), black outside the image, into `pixel`. */
function sampleBilinear(image: RgbImage, x: number, y: number, pixel: Float64Array): void {
  const { width, height, data } = image;
  const xTaps = positionTaps(x, width, 'zero', 1, xIndex, xWeight, 0);
  const yTaps = positionTaps(y, height, 'zero', 1, yIndex, yWeight, 0);
  pixel[0] = 0;
  pixel[1] = 0;
  pixel[2] = 0;
  for (let j = 0; j < yTaps; j += 1) {
    const base = yIndex[j] * width;
    for (let i = 0; i < xTaps; i += 1) {
      const w = yWeight[j] * xWeight[i];
      const at = (base + xIndex[i]) * 3;
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

/** The map of the mirror image of a `width`-wide output: output column u reads what column width - 1 - u would. */
export function mirrorMap(map: AffineMap, width: number): AffineMap {
  return { a: -map.a, b: map.b, c: map.a * (width - 1) + map.c, d: -map.d, e: map.e, f: map.d * (width - 1) + map.f };
}
