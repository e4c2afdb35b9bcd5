import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  BLAZEFACE_SIZE,
  blazeFaceAnchors,
  decodeBlazeFace,
  toDetectedFace,
  weightedNonMaxSuppression,
} from './blazeface-decode.js';
import type { RawDetection } from './blazeface-decode.js';
import { type AffineMap, sourcePixelsPerOutputPixel, warpAffine } from './affine-warp.js';
import type { DetectedFace, DetectOptions, FaceDetector, RgbImage } from './face.types.js';
import { openOnnxSession, type OnnxSessionOptions, type OnnxSession } from './onnx-session.js';

/** Default score threshold; MediaPipe's back-camera graph uses 0.65. */
export const BLAZEFACE_MIN_CONFIDENCE = 0.65;
const IOU_THRESHOLD = 0.3;
/**
 * Anchors scoring at least this share of the score threshold join the score-weighted average of a face whose best
 * anchor passes the threshold: more predictions averaged, steadier landmarks (which faces are found does not change).
 */
const CANDIDATE_FACTOR = 0.3;

/**
 * MediaPipe BlazeFace (back-camera model) through onnxruntime: the image is letterboxed into 256x256 (aspect kept,
 * centred, black bars), anchors decoded, weighted NMS applied, and the 6 keypoints mapped to 5 landmarks.
 * Faces smaller than about a sixth of the image's longer side are not found by this model.
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly modelId = 'blazeface-back';
  private readonly anchors = blazeFaceAnchors();

  constructor(private readonly session: OnnxSession) {}

  /** Opens `<modelsDir>/blazeface-back.onnx`. */
  static async create(modelsDir: string, options: OnnxSessionOptions = {}): Promise<BlazeFaceDetector> {
    return new BlazeFaceDetector(await openOnnxSession(join(modelsDir, 'blazeface-back.onnx'), options));
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const minConfidence = options.minConfidence ?? BLAZEFACE_MIN_CONFIDENCE;
    const minFaceSize = options.minFaceSize ?? 0;
    const side = Math.max(image.width, image.height);
    const whole = { x: (image.width - side) / 2, y: (image.height - side) / 2, side };
    const faces = (await this.run(image, whole, minConfidence)).filter((d) => d.score >= minConfidence);
    return faces
      .map((d) => toDetectedFace(d, image))
      .filter((f) => Math.min(f.bbox[2] - f.bbox[0], f.bbox[3] - f.bbox[1]) >= minFaceSize);
  }

  /**
   * Runs the model on a square region of the image (parts outside the image are black) and returns the merged
   * detections in image pixels, each with the best score of its cluster.
   */
  private async run(image: RgbImage, region: SquareRegion, minConfidence: number): Promise<RawDetection[]> {
    const { input, toImage } = squareView(image, region);
    const outputs = await this.session.run(
      { input: new ort.Tensor('float32', input, [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3]) },
      { handOver: true },
    );
    const scores = outputs.scores.data as Float32Array;
    const boxes = outputs.boxes.data as Float32Array;
    const candidates = decodeBlazeFace(scores, boxes, this.anchors, minConfidence * CANDIDATE_FACTOR);
    return weightedNonMaxSuppression(candidates, IOU_THRESHOLD).map((d) => {
      const [x1, y1] = toImage(d.box[0], d.box[1]);
      const [x2, y2] = toImage(d.box[2], d.box[3]);
      return { score: d.score, box: [x1, y1, x2, y2], keypoints: d.keypoints.map(([x, y]) => toImage(x, y)) };
    });
  }
}

/** A square part of the image, top-left corner and side in image pixels (it may reach outside the image). */
interface SquareRegion {
  x: number;
  y: number;
  side: number;
}

interface ModelView {
  input: Float32Array;
  /** Maps model-input pixels to image pixels. */
  toImage: (x: number, y: number) => [number, number];
}

/**
 * Resamples a square region of the image into the 256x256 model input. For the whole image the region is centred on
 * it with the longer side, i.e. a letterbox with black bars.
 */
export function squareView(image: RgbImage, region: SquareRegion): ModelView {
  const scale = BLAZEFACE_SIZE / region.side; // input pixels per image pixel
  const inv = 1 / scale;
  // Input pixel u covers image position region.x + (u + 0.5) / scale, i.e. pixel index that minus 0.5.
  const map: AffineMap = { a: inv, b: 0, c: region.x + 0.5 * inv - 0.5, d: 0, e: inv, f: region.y + 0.5 * inv - 0.5 };
  const input = new Float32Array(BLAZEFACE_SIZE * BLAZEFACE_SIZE * 3);
  warpAffine(image, map, BLAZEFACE_SIZE, BLAZEFACE_SIZE, input, 0, Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5));
  return { input, toImage: (x, y) => [region.x + x * inv, region.y + y * inv] };
}
