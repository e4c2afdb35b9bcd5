import type { DetectedFace } from './face.types.js';

/** How an image sits in the network input: scaled per axis, at the top-left, zero padding after. */
export interface Letterbox {
  inputWidth: number;
  inputHeight: number;
  /** Input pixels per image pixel along each axis. */
  scaleX: number;
  scaleY: number;
}

/** How large the network input may be; see YuNetDetectorOptions. */
export interface LetterboxLimits {
  /** The longer side of a smaller image is enlarged to this (at most maxUpscale times). */
  inputSize: number;
  /** The longer side of a larger image is reduced to this; images in between keep their size. */
  maxInputSize: number;
  maxUpscale: number;
  /** Side of a fixed-shape model's square input; the image is fitted into it. */
  fixedSide?: number;
}

/**
 * Where a width x height image goes in YuNet's input: its longer side scaled into [inputSize, maxInputSize]
 * (enlarged at most maxUpscale times), padded up to multiples of 32, or fitted into a fixed-shape model's square.
 */
export function yunetLetterbox(width: number, height: number, limits: LetterboxLimits): Letterbox {
  const { fixedSide } = limits;
  const longSide = Math.max(width, height);
  const target = fixedSide ?? Math.min(Math.max(longSide, limits.inputSize), limits.maxInputSize);
  const scale = Math.min(target / longSide, limits.maxUpscale);
  const scaledWidth = Math.max(1, Math.round(width * scale));
  const scaledHeight = Math.max(1, Math.round(height * scale));
  return {
    inputWidth: fixedSide ?? roundUpTo32(scaledWidth),
    inputHeight: fixedSide ?? roundUpTo32(scaledHeight),
    scaleX: scaledWidth / width,
    scaleY: scaledHeight / height,
  };
}

export function roundUpTo32(value: number): number {
  return Math.max(32, Math.ceil(value / 32) * 32);
}

/** One stride's outputs: per cell (row-major) cls [1], obj [1], bbox [4], kps [10]. */
export interface YuNetStrideOutputs {
  cls: Float32Array;
  obj: Float32Array;
  bbox: Float32Array;
  kps: Float32Array;
}

/**
 * The faces of one stride's cells with score = sqrt(clamp01(cls) * clamp01(obj)) ≥ minConfidence, in image
 * coordinates (not yet clipped or suppressed). Cell (row, col): centre ((col + bbox0) * s, (row + bbox1) * s),
 * size (exp(bbox2) * s, exp(bbox3) * s), landmark k ((col + kps[2k]) * s, (row + kps[2k+1]) * s).
 */
export function decodeYuNetStride(
  outputs: YuNetStrideOutputs,
  stride: number,
  letterbox: Letterbox,
  minConfidence: number,
): DetectedFace[] {
  const { cls, obj, bbox, kps } = outputs;
  const columns = letterbox.inputWidth / stride;
  const cells = columns * (letterbox.inputHeight / stride);
  if (cls.length !== cells || obj.length !== cells || bbox.length !== cells * 4 || kps.length !== cells * 10) {
    throw new Error(`YuNet stride ${stride}: output sizes do not match ${cells} cells`);
  }
  const { scaleX, scaleY } = letterbox;
  const minProduct = minConfidence * minConfidence;
  const faces: DetectedFace[] = [];
  for (let i = 0; i < cells; i++) {
    const product = clamp01(cls[i]) * clamp01(obj[i]);
    if (product < minProduct) continue;
    const col = i % columns;
    const row = Math.floor(i / columns);
    const cx = (col + bbox[i * 4]) * stride;
    const cy = (row + bbox[i * 4 + 1]) * stride;
    const w = Math.exp(bbox[i * 4 + 2]) * stride;
    const h = Math.exp(bbox[i * 4 + 3]) * stride;
    const point = (k: number) => ({
      x: ((col + kps[i * 10 + 2 * k]) * stride) / scaleX,
      y: ((row + kps[i * 10 + 2 * k + 1]) * stride) / scaleY,
    });
    faces.push({
      bbox: [(cx - w / 2) / scaleX, (cy - h / 2) / scaleY, (cx + w / 2) / scaleX, (cy + h / 2) / scaleY],
      confidence: Math.sqrt(product),
      landmarks: {
        left_eye: point(0),
        right_eye: point(1),
        nose: point(2),
        mouth_left: point(3),
        mouth_right: point(4),
      },
    });
  }
  return faces;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
