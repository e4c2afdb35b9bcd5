import { join } from 'node:path';
import { type AffineMap, sourcePixelsPerOutputPixel, warpAffine } from './affine-warp.js';
import type { Point, RgbImage } from './face.types.js';
import { fileExists, type ModelSessionOptions, ModelSessions, runInChunks, type OnnxSession } from './onnx-session.js';

export const LANDMARK_FILE = 'face-landmark-68.onnx';
export const LANDMARK_MODEL_ID = 'face-landmark-68';
/** Side of the square crop the network reads. */
const INPUT_SIZE = 112;
const POINTS = 68;
const CROP_VALUES = INPUT_SIZE * INPUT_SIZE * 3;
/** Crops per network run (see runInChunks). */
const LANDMARK_CHUNK = 8;

type Box = [number, number, number, number];

/**
 * face-api's 68-point landmark net (iBUG 300-W order: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67)
 * on the faces a detector found. The net was trained on square crops framed on the face, so each face is looked at
 * twice: on a square around its detection box (detectors frame faces differently), then on a square around the
 * points found the first time. Every face of an image runs in one batch per pass.
 */
export class FaceLandmarker {
  readonly modelId = LANDMARK_MODEL_ID;

  constructor(private readonly sessions: ModelSessions) {}

  /**
   * Opens `<modelsDir>/face-landmark-68.onnx`; null when there is no such file. With `aloneThreads` over 1, a second
   * session with that many threads serves images alone in the models (as the embedder's: 17 crops 12.5 -> 8.2 ms).
   */
  static async create(modelsDir: string, options: ModelSessionOptions = {}): Promise<FaceLandmarker | null> {
    const path = join(modelsDir, LANDMARK_FILE);
    if (!(await fileExists(path))) return null;
    return new FaceLandmarker(await ModelSessions.open(path, options));
  }

  /** The 68 points of each face, in image pixels; `alone`: no other image is in the models (see EmbedOptions). */
  async locate(image: RgbImage, boxes: Box[], alone = false): Promise<Point[][]> {
    if (boxes.length === 0) return [];
    const session = this.sessions.pick(alone);
    const first = await this.run(session, image, boxes.map(squareOn));
    return this.run(
      session,
      image,
      first.map((points) => squareOn(boundsOf(points))),
    );
  }

  private async run(session: OnnxSession, image: RgbImage, squares: AffineMap[]): Promise<Point[][]> {
    const fill = (first: number, count: number, into: Float32Array) => {
      for (let i = 0; i < count; i += 1) {
        const map = squares[first + i];
        warpAffine(image, map, INPUT_SIZE, INPUT_SIZE, into, i * CROP_VALUES, supersampling(map));
      }
    };
    const output = await runInChunks(session, fill, {
      items: squares.length,
      side: INPUT_SIZE,
      chunk: LANDMARK_CHUNK,
      output: 'landmarks',
    });
    return squares.map((map, i) =>
      Array.from({ length: POINTS }, (_, k) => {
        const u = output[(i * POINTS + k) * 2] * INPUT_SIZE;
        const v = output[(i * POINTS + k) * 2 + 1] * INPUT_SIZE;
        return { x: map.a * u + map.b * v + map.c, y: map.d * u + map.e * v + map.f };
      }),
    );
  }
}

/** The map from crop pixels to image pixels of the square (side: the box's longer side) centred on a box. */
function squareOn([x1, y1, x2, y2]: Box): AffineMap {
  const side = Math.max(x2 - x1, y2 - y1, 1);
  const scale = side / INPUT_SIZE;
  return { a: scale, b: 0, c: (x1 + x2 - side) / 2, d: 0, e: scale, f: (y1 + y2 - side) / 2 };
}

function boundsOf(points: Point[]): Box {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const supersampling = (map: AffineMap) => Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5);
