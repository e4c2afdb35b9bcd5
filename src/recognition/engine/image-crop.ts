import { type AxisTaps, axisTaps, resampleRgb } from './bilinear-resample.js';
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

/**
 * Taps of an axis of `size` pixels resized so that `count` outputs cover [start, start + length): output i is centred
 * on start + (i + 0.5) * length / count (the OpenCV INTER_LINEAR convention); positions past the edge pixels read them.
 */
function cropTaps(start: number, length: number, count: number, size: number, subsamples = 1): AxisTaps {
  const step = length / count;
  return axisTaps(count, step, start + 0.5 * step - 0.5, size, 'clamp', subsamples);
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
  const planeSize = target.planeWidth * target.planeHeight;
  const wholeImageAsIs = box.x === 0 && box.y === 0 && [box.width, outWidth].every((side) => side === image.width);
  if (wholeImageAsIs && [box.height, outHeight].every((side) => side === image.height)) {
    // Bilinear taps at the pixel centres read each pixel once with weight 1: a copy, without the taps.
    copyToBgrPlanes(image, target, planeSize);
    return;
  }
  resampleRgb(
    image,
    cropTaps(box.x, box.width, outWidth, image.width),
    cropTaps(box.y, box.height, outHeight, image.height),
    target.data,
    {
      offset: target.offset,
      rowStride: target.planeWidth,
      pixelStride: 1,
      red: 2 * planeSize,
      green: planeSize,
      blue: 0,
    },
  );
}

/** The whole image, pixel for pixel, as planar B, G, R floats into the top-left of the target planes. */
function copyToBgrPlanes(image: RgbImage, target: PlanarTarget, planeSize: number): void {
  const { data } = image;
  const out = target.data;
  for (let y = 0; y < image.height; y += 1) {
    let from = y * image.width * 3;
    let to = target.offset + y * target.planeWidth;
    for (let x = 0; x < image.width; x += 1, from += 3, to += 1) {
      out[to] = data[from + 2];
      out[to + planeSize] = data[from + 1];
      out[to + 2 * planeSize] = data[from];
    }
  }
}

/**
 * Crops `box` to an outWidth x outHeight grey (BT.601 luma, 0-255) image. When shrinking, each output pixel
 * averages up to 4x4 bilinear samples of its footprint, so downscaling does not alias (or fake sharpness).
 */
export function cropResizeToGrey(image: RgbImage, box: CropBox, outWidth: number, outHeight: number): Float32Array {
  const factor = Math.min(4, Math.max(1, Math.ceil(Math.max(box.width / outWidth, box.height / outHeight))));
  const pixels = outWidth * outHeight;
  const rgb = new Float32Array(pixels * 3);
  resampleRgb(
    image,
    cropTaps(box.x, box.width, outWidth, image.width, factor),
    cropTaps(box.y, box.height, outHeight, image.height, factor),
    rgb,
    { offset: 0, rowStride: outWidth * 3, pixelStride: 3, red: 0, green: 1, blue: 2 },
  );
  // Luma is linear in R, G and B: the luma of the resampled colour is the resampled luma.
  const grey = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) grey[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  return grey;
}
