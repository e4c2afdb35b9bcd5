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
  const { data } = image;
  const rowStride = image.width * 3;
  const lastX = image.width - 1;
  const lastY = image.height - 1;
  // Sub-sample offsets within a pixel, the same for every pixel.
  const offsets = Array.from({ length: k }, (_, s) => (s + 0.5) / k - 0.5);
  for (let v = 0; v < height; v += 1) {
    for (let u = 0; u < width; u += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < k; sy += 1) {
        const vv = v + offsets[sy];
        for (let sx = 0; sx < k; sx += 1) {
          const uu = u + offsets[sx];
          const x = map.a * uu + map.b * vv + map.c;
          const y = map.d * uu + map.e * vv + map.f;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          if (x0 >= 0 && y0 >= 0 && x0 < lastX && y0 < lastY) {
            // Inside: the four neighbours, inlined (the hot path of every chip).
            const fx = x - x0;
            const fy = y - y0;
            const at = y0 * rowStride + x0 * 3;
            const below = at + rowStride;
            const w00 = (1 - fx) * (1 - fy);
            const w01 = fx * (1 - fy);
            const w10 = (1 - fx) * fy;
            const w11 = fx * fy;
            r += w00 * data[at] + w01 * data[at + 3] + w10 * data[below] + w11 * data[below + 3];
            g += w00 * data[at + 1] + w01 * data[at + 4] + w10 * data[below + 1] + w11 * data[below + 4];
            b += w00 * data[at + 2] + w01 * data[at + 5] + w10 * data[below + 2] + w11 * data[below + 5];
          } else {
            sampleBilinear(image, x, y, pixel);
            r += pixel[0];
            g += pixel[1];
            b += pixel[2];
          }
        }
      }
      const at = offset + (v * width + u) * 3;
      out[at] = r * weight;
      out[at + 1] = g * weight;
      out[at + 2] = b * weight;
    }
  }
}

/**
 * Copies a `width` x `height` RGB image of `buffer` at `from` to `to`, each row reversed: the same pixels
 * `warpAffine` gives through `mirrorMap`, without sampling again.
 */
export function mirrorRows(buffer: Float32Array, width: number, height: number, from: number, to: number): void {
  for (let v = 0; v < height; v += 1) {
    const row = from + v * width * 3;
    const target = to + v * width * 3;
    for (let u = 0; u < width; u += 1) {
      const source = row + (width - 1 - u) * 3;
      const at = target + u * 3;
      buffer[at] = buffer[source];
      buffer[at + 1] = buffer[source + 1];
      buffer[at + 2] = buffer[source + 2];
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
