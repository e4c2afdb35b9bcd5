/**
 * The scales a detector looks at an image at: an image pyramid from the whole image fitted into the size the model
 * was trained at (big faces, close-ups) up to the scale at which the smallest wanted face reaches the smallest face
 * the model finds, with at most `levelRatio` between neighbouring levels (a face missed at one level for being too
 * big or too small is in range at the next).
 */
export interface ScalePlanOptions {
  /** Side of the square input the model was trained at, in pixels. */
  trainedSize: number;
  /** Smallest face side (model-input pixels) the model finds reliably. */
  minFaceInInput: number;
  /** Smallest face side wanted in the image, in image pixels (0: the whole-image level only). */
  minFaceSize: number;
  /** Largest ratio between neighbouring scales (default 4). */
  levelRatio?: number;
  /** Largest factor the finest level may enlarge the image by (default 2). */
  maxUpscale?: number;
}

/** Scales (model pixels per image pixel), coarsest first; the first fits the whole image into the trained size. */
export function planScales(width: number, height: number, options: ScalePlanOptions): number[] {
  const ratio = options.levelRatio ?? 4;
  const whole = options.trainedSize / Math.max(width, height);
  if (options.minFaceSize <= 0) return [whole];
  const finest = Math.min(options.minFaceInInput / options.minFaceSize, options.maxUpscale ?? 2);
  if (finest <= whole * 1.05) return [whole];
  const steps = Math.ceil(Math.log(finest / whole) / Math.log(ratio) - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => whole * (finest / whole) ** (i / steps));
}

/** Rounds a model input side up to a multiple of `multiple` (at least one multiple). */
export function paddedSide(side: number, multiple = 32): number {
  return Math.max(multiple, Math.ceil(side / multiple) * multiple);
}
