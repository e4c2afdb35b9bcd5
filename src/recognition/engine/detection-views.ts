/**
 * Where a fixed-input detector looks in an image: the whole image once (letterboxed into the square input), then
 * finer levels of overlapping square tiles, each level half the side of the one before, down to the side at which
 * the smallest wanted face is still big enough for the model. Big faces are found in the coarse views, small ones in
 * the tiles, and each view costs one model input however large the image is.
 */

/** A square part of the image in image pixels (it may reach outside the image; those pixels are black). */
export interface SquareView {
  x: number;
  y: number;
  side: number;
  /** 0 for the whole image, then 1, 2, ... for finer tile levels. */
  level: number;
  /**
   * The part of the view a detection's centre must fall in to be kept ([x1, y1, x2, y2], image pixels): tiles of a
   * level split the image between them, so a face in the overlap of two tiles is taken from one of them only, the one
   * that sees it whole.
   */
  core: [number, number, number, number];
}

export interface ViewPlanOptions {
  /** Side of the model's square input, in pixels. */
  inputSize: number;
  /** Smallest face side (model-input pixels) the model finds reliably. */
  minFaceInInput: number;
  /** Smallest face side wanted in the image, in image pixels. */
  minFaceSize: number;
  /** Share of a tile's side that neighbouring tiles overlap (default 0.25). */
  overlap?: number;
  /** Largest factor a tile may be enlarged by to reach the model input (default 2). */
  maxUpscale?: number;
}

/** Plans the views of an image `width` x `height`: the whole image first, then each tile level in rows. */
export function planViews(width: number, height: number, options: ViewPlanOptions): SquareView[] {
  const overlap = options.overlap ?? 0.25;
  const maxUpscale = options.maxUpscale ?? 2;
  const whole = Math.max(width, height);
  const views: SquareView[] = [
    {
      x: (width - whole) / 2,
      y: (height - whole) / 2,
      side: whole,
      level: 0,
      core: [-Infinity, -Infinity, Infinity, Infinity],
    },
  ];
  // The side at which the smallest wanted face reaches minFaceInInput model pixels.
  const finest = Math.max(
    (options.inputSize * options.minFaceSize) / options.minFaceInInput,
    options.inputSize / maxUpscale,
  );
  let side = whole;
  let level = 0;
  while (side > finest * 1.05) {
    side = Math.max(side / 2, finest);
    level += 1;
    const xs = tileStarts(width, side, overlap);
    const ys = tileStarts(height, side, overlap);
    ys.forEach((y, row) =>
      xs.forEach((x, column) =>
        views.push({
          x,
          y,
          side,
          level,
          core: [coreStart(xs, column, side), coreStart(ys, row, side), coreEnd(xs, column, side), coreEnd(ys, row, side)],
        }),
      ),
    );
  }
  return views;
}

/** Tile start positions along one axis: the fewest tiles of `side` overlapping by at least `overlap`, spread evenly. */
function tileStarts(length: number, side: number, overlap: number): number[] {
  if (length <= side) return [(length - side) / 2];
  const count = Math.ceil((length - side) / (side * (1 - overlap))) + 1;
  const step = (length - side) / (count - 1);
  return Array.from({ length: count }, (_, i) => i * step);
}

/** The core of tile i starts halfway through its overlap with the tile before it. */
function coreStart(starts: number[], i: number, side: number): number {
  return i === 0 ? -Infinity : (starts[i] + starts[i - 1] + side) / 2;
}

function coreEnd(starts: number[], i: number, side: number): number {
  return i === starts.length - 1 ? Infinity : (starts[i + 1] + starts[i] + side) / 2;
}
