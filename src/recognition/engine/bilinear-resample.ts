/**
 * The one resampling rule of the engine (chips, detector and liveness inputs, quality crops): bilinear interpolation
 * between pixel centres, pixel i covering [i - 0.5, i + 0.5].
 */
import type { RgbImage } from './face.types.js';

/**
 * How a position outside the pixel centres [0, size - 1] reads: `zero` mixes in black (chips, letterboxes: what lies
 * outside the image is padding), `clamp` reads the nearest edge pixel (crops resized to a model input).
 */
export type Edge = 'zero' | 'clamp';

/**
 * Writes the bilinear taps of one position along an axis of `size` pixels into `index`/`weight` from `at`, each
 * weight divided by `parts` (the number of positions averaged), and returns how many were written (0-2). Taps
 * outside the axis and taps of weight 0 are left out.
 */
export function positionTaps(
  position: number,
  size: number,
  edge: Edge,
  parts: number,
  index: Int32Array,
  weight: Float64Array,
  at: number,
): number {
  const x = edge === 'clamp' ? Math.min(Math.max(position, 0), size - 1) : position;
  const x0 = Math.floor(x);
  const f = x - x0;
  let written = 0;
  if (x0 >= 0 && x0 < size) {
    index[at] = x0;
    weight[at] = (1 - f) / parts;
    written += 1;
  }
  if (x0 + 1 >= 0 && x0 + 1 < size && f > 0) {
    index[at + written] = x0 + 1;
    weight[at + written] = f / parts;
    written += 1;
  }
  return written;
}

/**
 * Taps per output position along one axis, a fixed number per output (2 per sub-sample): output o's are
 * `index`/`weight` from `o * perOutput`. Taps the rule leaves out are kept with weight 0 (on a valid pixel), which
 * adds exactly nothing and lets the resampler run fixed-length loops.
 */
export interface AxisTaps {
  count: number;
  perOutput: number;
  index: Int32Array;
  weight: Float64Array;
}

/**
 * Taps of every output position along one axis of `size` source pixels: output o reads source position
 * scale * o + shift (its centre), or the mean of `subsamples` positions spread evenly over its footprint (against
 * aliasing when shrinking). The weights of an output sum to 1 where nothing falls outside with `zero` edges.
 */
export function axisTaps(
  count: number,
  scale: number,
  shift: number,
  size: number,
  edge: Edge,
  subsamples = 1,
): AxisTaps {
  const k = Math.max(1, Math.round(subsamples));
  const perOutput = 2 * k;
  const index = new Int32Array(count * perOutput);
  const weight = new Float64Array(count * perOutput);
  for (let o = 0; o < count; o += 1) {
    let at = o * perOutput;
    for (let s = 0; s < k; s += 1) {
      const position = scale * (o + (s + 0.5) / k - 0.5) + shift;
      at += positionTaps(position, size, edge, k, index, weight, at);
    }
  }
  return { count, perOutput, index, weight };
}

/**
 * Where resampled pixels go: the value of channel c of output (u, v) is written at
 * offset + v * rowStride + u * pixelStride + channel[c] (packed RGB: strides width * 3 and 3, channels 0, 1, 2;
 * planar BGR: strides planeWidth and 1, channels 2, 1, 0 planes apart).
 */
export interface RgbLayout {
  offset: number;
  rowStride: number;
  pixelStride: number;
  red: number;
  green: number;
  blue: number;
}

/** Writes the columns.count x rows.count resampling of an RGB image (float, 0-255) into `out` in `layout`. */
export function resampleRgb(
  image: RgbImage,
  columns: AxisTaps,
  rows: AxisTaps,
  out: Float32Array,
  layout: RgbLayout,
): void {
  if (columns.perOutput === 2 && rows.perOutput === 2) {
    resampleTwoByTwo(image, columns, rows, out, layout);
    return;
  }
  resampleSeparable(image, columns, rows, out, layout);
}

/**
 * `resampleRgb` with sub-samples, in two passes: each source row the rows' taps read is resampled along x once,
 * then the output rows mix those. The same weights as one 2D pass (the products regrouped), with 2k instead of
 * 4k² multiplications per output pixel and channel for k sub-samples.
 */
function resampleSeparable(image: RgbImage, columns: AxisTaps, rows: AxisTaps, out: Float32Array, to: RgbLayout): void {
  const { data } = image;
  const stride = image.width * 3;
  const across = columns.perOutput;
  const down = rows.perOutput;
  let first = image.height;
  let last = -1;
  for (const row of rows.index) {
    first = Math.min(first, row);
    last = Math.max(last, row);
  }
  const rowLength = columns.count * 3;
  const resampledRows = new Float64Array(Math.max(0, last - first + 1) * rowLength);
  for (let y = first; y <= last; y += 1) {
    const source = y * stride;
    const target = (y - first) * rowLength;
    for (let u = 0; u < columns.count; u += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let i = u * across; i < (u + 1) * across; i += 1) {
        const at = source + columns.index[i] * 3;
        const w = columns.weight[i];
        r += w * data[at];
        g += w * data[at + 1];
        b += w * data[at + 2];
      }
      resampledRows[target + u * 3] = r;
      resampledRows[target + u * 3 + 1] = g;
      resampledRows[target + u * 3 + 2] = b;
    }
  }
  const { red, green, blue, pixelStride } = to;
  for (let v = 0; v < rows.count; v += 1) {
    const outRow = to.offset + v * to.rowStride;
    for (let u = 0; u < columns.count; u += 1) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = v * down; j < (v + 1) * down; j += 1) {
        const at = (rows.index[j] - first) * rowLength + u * 3;
        const w = rows.weight[j];
        r += w * resampledRows[at];
        g += w * resampledRows[at + 1];
        b += w * resampledRows[at + 2];
      }
      const at = outRow + u * pixelStride;
      out[at + red] = r;
      out[at + green] = g;
      out[at + blue] = b;
    }
  }
}

/**
 * `resampleRgb` without sub-samples, its four taps written out: the same sums in the same order, about twice as fast
 * as the loops for large outputs (the detector input of every image).
 */
function resampleTwoByTwo(image: RgbImage, columns: AxisTaps, rows: AxisTaps, out: Float32Array, to: RgbLayout): void {
  const { data } = image;
  const stride = image.width * 3;
  const { red, green, blue, pixelStride } = to;
  for (let v = 0; v < rows.count; v += 1) {
    const row0 = rows.index[2 * v] * stride;
    const row1 = rows.index[2 * v + 1] * stride;
    const wy0 = rows.weight[2 * v];
    const wy1 = rows.weight[2 * v + 1];
    const outRow = to.offset + v * to.rowStride;
    for (let u = 0; u < columns.count; u += 1) {
      const col0 = columns.index[2 * u] * 3;
      const col1 = columns.index[2 * u + 1] * 3;
      const w00 = wy0 * columns.weight[2 * u];
      const w01 = wy0 * columns.weight[2 * u + 1];
      const w10 = wy1 * columns.weight[2 * u];
      const w11 = wy1 * columns.weight[2 * u + 1];
      const a = row0 + col0;
      const b = row0 + col1;
      const c = row1 + col0;
      const d = row1 + col1;
      const at = outRow + u * pixelStride;
      out[at + red] = w00 * data[a] + w01 * data[b] + w10 * data[c] + w11 * data[d];
      out[at + green] = w00 * data[a + 1] + w01 * data[b + 1] + w10 * data[c + 1] + w11 * data[d + 1];
      out[at + blue] = w00 * data[a + 2] + w01 * data[b + 2] + w10 * data[c + 2] + w11 * data[d + 2];
    }
  }
}
