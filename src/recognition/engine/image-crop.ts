import type { RgbImage } from './face.types.js';

/** A rectangle in source pixels (may be fractional); `x`, `y` is the top-left corner. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A CHW float tensor region to write into: `offset` is where its first plane starts. */
export interface PlanarTarget {
  data: Float32Array;
  offset: number;
  /** Width and height of each plane (a written crop may be smaller: the rest is left as is). */
  planeWidth: number;
  planeHeight: number;
}

/** Source sample positions for one axis: for output index i, mix index0[i] and index1[i] by weight[i]. */
interface AxisSamples {
  index0: Int32Array;
  index1: Int32Array;
  weight: Float32Array;
}

/**
 * Bilinear sample positions with pixel centres aligned (the OpenCV INTER_LINEAR convention):
 * source = start + (i + 0.5) * length / count - 0.5, clamped to [0, size - 1].
 */
export function axisSamples(start: number, length: number, count: number, size: number): AxisSamples {
  const index0 = new Int32Array(count);
  const index1 = new Int32Array(count);
  const weight = new Float32Array(count);
  const step = length / count;
  for (let i = 0; i < count; i++) {
    const position = Math.min(Math.max(start + (i + 0.5) * step - 0.5, 0), size - 1);
    const lower = Math.floor(position);
    index0[i] = lower;
    index1[i] = Math.min(lower + 1, size - 1);
    weight[i] = position - lower;
  }
  return { index0, index1, weight };
}

/**
 * Crops `box` out of the image, resizes it bilinearly to outWidth x outHeight and writes it as planar B, G, R
 * floats (raw 0-255) into the top-left of the target planes: the input layout of YuNet and MiniFASNet.
 */
export function cropResizeToBgrPlanes(
  image: RgbImage,
  box: CropBox,
  outWidth: number,
  outHeight: number,
  target: PlanarTarget,
): void {
  const xs = axisSamples(box.x, box.width, outWidth, image.width);
  const ys = axisSamples(box.y, box.height, outHeight, image.height);
  const { data } = image;
  const rowStride = image.width * 3;
  const planeSize = target.planeWidth * target.planeHeight;
  const out = target.data;
  const blue = target.offset;
  const green = blue + planeSize;
  const red = green + planeSize;
  for (let oy = 0; oy < outHeight; oy++) {
    const row0 = ys.index0[oy] * rowStride;
    const row1 = ys.index1[oy] * rowStride;
    const wy = ys.weight[oy];
    const outRow = oy * target.planeWidth;
    for (let ox = 0; ox < outWidth; ox++) {
      const col0 = xs.index0[ox] * 3;
      const col1 = xs.index1[ox] * 3;
      const wx = xs.weight[ox];
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      const a = row0 + col0;
      const b = row0 + col1;
      const c = row1 + col0;
      const d = row1 + col1;
      const at = outRow + ox;
      out[red + at] = w00 * data[a] + w01 * data[b] + w10 * data[c] + w11 * data[d];
      out[green + at] = w00 * data[a + 1] + w01 * data[b + 1] + w10 * data[c + 1] + w11 * data[d + 1];
      out[blue + at] = w00 * data[a + 2] + w01 * data[b + 2] + w10 * data[c + 2] + w11 * data[d + 2];
    }
  }
}

/** BT.601 luma of one packed RGB pixel. */
function luma(data: Uint8Array, at: number): number {
  return 0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2];
}

/**
 * Crops `box` to an outWidth x outHeight grey (BT.601 luma, 0-255) image. When shrinking, each output pixel
 * averages up to 4x4 bilinear samples of its footprint, so downscaling does not alias (or fake sharpness).
 */
export function cropResizeToGrey(image: RgbImage, box: CropBox, outWidth: number, outHeight: number): Float32Array {
  const factor = Math.min(4, Math.max(1, Math.ceil(Math.max(box.width / outWidth, box.height / outHeight))));
  const xs = axisSamples(box.x, box.width, outWidth * factor, image.width);
  const ys = axisSamples(box.y, box.height, outHeight * factor, image.height);
  const rowStride = image.width * 3;
  const grey = new Float32Array(outWidth * outHeight);
  for (let sy = 0; sy < outHeight * factor; sy++) {
    const row0 = ys.index0[sy] * rowStride;
    const row1 = ys.index1[sy] * rowStride;
    const wy = ys.weight[sy];
    const outRow = Math.floor(sy / factor) * outWidth;
    for (let sx = 0; sx < outWidth * factor; sx++) {
      const col0 = xs.index0[sx] * 3;
      const col1 = xs.index1[sx] * 3;
      const wx = xs.weight[sx];
      const top = (1 - wx) * luma(image.data, row0 + col0) + wx * luma(image.data, row0 + col1);
      const bottom = (1 - wx) * luma(image.data, row1 + col0) + wx * luma(image.data, row1 + col1);
      grey[outRow + Math.floor(sx / factor)] += (1 - wy) * top + wy * bottom;
    }
  }
  const samples = factor * factor;
  for (let i = 0; i < grey.length; i++) grey[i] /= samples;
  return grey;
}
