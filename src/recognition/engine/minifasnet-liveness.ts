import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DetectedFace, LivenessChecker, LivenessResult, RgbImage } from './face.types.js';
import { cropResizeToBgrPlanes, type CropBox } from './image-crop.js';
import { fileExists, floatOutput, openOnnxSession, type OnnxSessionOptions, type OnnxSession } from './onnx-session.js';

/** The two models of the Silent-Face ensemble and the factor each scales the face box by before cropping. */
export const MINIFASNET_MODELS = [
  { file: '2.7_80x80_MiniFASNetV2.onnx', scale: 2.7 },
  { file: '4_0_0_80x80_MiniFASNetV1SE.onnx', scale: 4.0 },
] as const;

const INPUT_SIDE = 80;
const CLASSES = 3;
const REAL_CLASS = 1;

export interface MiniFasNetLivenessOptions extends OnnxSessionOptions {
  /** A face is live when the averaged p(real) is at least this (default 0.5). */
  threshold?: number;
}

/**
 * Silent-Face-Anti-Spoofing's crop box (`CropImage._get_new_box`): the face box scaled by `scale` around its
 * centre (less where the image is too small), shifted back inside the image, as integer inclusive corners.
 */
export function silentFaceCropBox(imageWidth: number, imageHeight: number, face: DetectedFace, scale: number): CropBox {
  const [x1, y1, x2, y2] = face.bbox;
  const boxWidth = Math.max(x2 - x1, 1);
  const boxHeight = Math.max(y2 - y1, 1);
  const factor = Math.min((imageHeight - 1) / boxHeight, (imageWidth - 1) / boxWidth, scale);
  const width = boxWidth * factor;
  const height = boxHeight * factor;
  const centreX = x1 + boxWidth / 2;
  const centreY = y1 + boxHeight / 2;
  let left = centreX - width / 2;
  let top = centreY - height / 2;
  let right = centreX + width / 2;
  let bottom = centreY + height / 2;
  if (left < 0) {
    right -= left;
    left = 0;
  }
  if (top < 0) {
    bottom -= top;
    top = 0;
  }
  if (right > imageWidth - 1) {
    left -= right - imageWidth + 1;
    right = imageWidth - 1;
  }
  if (bottom > imageHeight - 1) {
    top -= bottom - imageHeight + 1;
    bottom = imageHeight - 1;
  }
  // Python's int() truncates toward zero; the corners are inclusive.
  const [l, t, r, b] = [left, top, right, bottom].map(Math.trunc);
  return { x: l, y: t, width: r - l + 1, height: b - t + 1 };
}

/** Softmax probability of `index` in one row of logits. */
export function softmaxAt(logits: Float32Array, rowStart: number, count: number, index: number): number {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, logits[rowStart + i]);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(logits[rowStart + i] - max);
  return Math.exp(logits[rowStart + index] - max) / sum;
}

/**
 * Presentation-attack check with the MiniFASNet V2 (2.7x crop) + V1SE (4.0x crop) ensemble: 80x80 BGR raw 0-255
 * crops, softmax per model, averaged; class 1 is a real face. All faces of an image run in one batch per model.
 */
export class MiniFasNetLiveness implements LivenessChecker {
  readonly modelId = 'minifasnet-v2-v1se';
  readonly threshold: number;

  private constructor(
    private readonly sessions: OnnxSession[],
    options: MiniFasNetLivenessOptions,
  ) {
    this.threshold = options.threshold ?? 0.5;
  }

  /** Loads both models from modelsDir; null when either file is missing. */
  static async create(modelsDir: string, options: MiniFasNetLivenessOptions = {}): Promise<MiniFasNetLiveness | null> {
    const paths = MINIFASNET_MODELS.map((model) => join(modelsDir, model.file));
    for (const path of paths) {
      if (!(await fileExists(path))) return null;
    }
    const sessions = await Promise.all(paths.map((path) => openOnnxSession(path, options)));
    return new MiniFasNetLiveness(sessions, options);
  }

  async check(image: RgbImage, faces: DetectedFace[]): Promise<LivenessResult[]> {
    if (faces.length === 0) return [];
    const realByModel = await Promise.all(
      MINIFASNET_MODELS.map((model, i) => this.realProbabilities(this.sessions[i], image, faces, model.scale)),
    );
    return faces.map((_, face) => {
      const score = realByModel.reduce((sum, probabilities) => sum + probabilities[face], 0) / realByModel.length;
      return { score, is_live: score >= this.threshold };
    });
  }

  /** p(real) per face from one model, all faces in one batch. */
  private async realProbabilities(
    session: OnnxSession,
    image: RgbImage,
    faces: DetectedFace[],
    scale: number,
  ): Promise<number[]> {
    const itemSize = 3 * INPUT_SIDE * INPUT_SIDE;
    const input = new Float32Array(faces.length * itemSize);
    faces.forEach((face, i) => {
      const box = silentFaceCropBox(image.width, image.height, face, scale);
      cropResizeToBgrPlanes(image, box, INPUT_SIDE, INPUT_SIDE, {
        data: input,
        offset: i * itemSize,
        planeWidth: INPUT_SIDE,
        planeHeight: INPUT_SIDE,
      });
    });
    const tensor = new ort.Tensor('float32', input, [faces.length, 3, INPUT_SIDE, INPUT_SIDE]);
    const logits = floatOutput(await session.run({ input: tensor }, { handOver: true }), 'logits');
    return faces.map((_, i) => softmaxAt(logits, i * CLASSES, CLASSES, REAL_CLASS));
  }
}
