import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BLAZEFACE_SIZE, blazeFaceAnchors, decodeBlazeFace, weightedNonMaxSuppression } from './blazeface-decode.js';
import type { RawDetection } from './blazeface-decode.js';
import { sourcePixelsPerOutputPixel, warpAffine } from './face-chip.js';
import type { AffineMap } from './face-chip.js';
import type { DetectedFace, DetectOptions, FaceDetector, FaceLandmarks, RgbImage } from './face.types.js';

export interface BlazeFaceOptions {
  /** Threads onnxruntime may use inside one operator (default 2). */
  intraOpNumThreads?: number;
}

/** Default score threshold; MediaPipe's back-camera graph uses 0.65. */
export const BLAZEFACE_MIN_CONFIDENCE = 0.65;
const IOU_THRESHOLD = 0.3;
/**
 * BlazeFace gives one mouth point (its centre). The two mouth corners are estimated from it, half the typical
 * mouth width (0.43 x the eye distance, from the ArcFace 5-point template) along the eye line on either side, so their
 * midpoint is exactly the detected mouth centre. They are estimates, not measurements.
 */
const HALF_MOUTH_PER_EYE_DISTANCE = 0.43;

/**
 * MediaPipe BlazeFace (back-camera model) through onnxruntime: the image is letterboxed into 256x256 (aspect kept,
 * centred, black bars), anchors decoded, weighted NMS applied, and the 6 keypoints mapped to 5 landmarks.
 * Faces smaller than about a sixth of the image's longer side are not found by this model.
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly modelId = 'blazeface-back';
  private readonly anchors = blazeFaceAnchors();

  constructor(private readonly session: ort.InferenceSession) {}

  /** Opens `<modelsDir>/blazeface-back.onnx`. */
  static async create(modelsDir: string, options: BlazeFaceOptions = {}): Promise<BlazeFaceDetector> {
    const session = await ort.InferenceSession.create(join(modelsDir, 'blazeface-back.onnx'), {
      intraOpNumThreads: options.intraOpNumThreads ?? 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return new BlazeFaceDetector(session);
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const minConfidence = options.minConfidence ?? BLAZEFACE_MIN_CONFIDENCE;
    const minFaceSize = options.minFaceSize ?? 0;
    const { input, toImage } = letterbox(image);
    const outputs = await this.session.run({
      input: new ort.Tensor('float32', input, [1, BLAZEFACE_SIZE, BLAZEFACE_SIZE, 3]),
    });
    const scores = outputs.scores.data as Float32Array;
    const boxes = outputs.boxes.data as Float32Array;
    const raw = weightedNonMaxSuppression(decodeBlazeFace(scores, boxes, this.anchors, minConfidence), IOU_THRESHOLD);
    return raw
      .map((d) => toFace(d, toImage, image))
      .filter((f) => Math.min(f.bbox[2] - f.bbox[0], f.bbox[3] - f.bbox[1]) >= minFaceSize);
  }
}

interface Letterbox {
  input: Float32Array;
  /** Maps model-input pixels to image pixels. */
  toImage: (x: number, y: number) => { x: number; y: number };
}

/** Resizes the whole image into the centre of a 256x256 black square, keeping its aspect ratio. */
export function letterbox(image: RgbImage): Letterbox {
  const scale = BLAZEFACE_SIZE / Math.max(image.width, image.height); // input pixels per image pixel
  const padX = (BLAZEFACE_SIZE - image.width * scale) / 2;
  const padY = (BLAZEFACE_SIZE - image.height * scale) / 2;
  // Input pixel centre u + 0.5 covers image position (u + 0.5 - padX) / scale, i.e. pixel index minus 0.5.
  const inv = 1 / scale;
  const map: AffineMap = { a: inv, b: 0, c: (0.5 - padX) * inv - 0.5, d: 0, e: inv, f: (0.5 - padY) * inv - 0.5 };
  const input = new Float32Array(BLAZEFACE_SIZE * BLAZEFACE_SIZE * 3);
  warpAffine(image, map, BLAZEFACE_SIZE, BLAZEFACE_SIZE, input, 0, Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5));
  return { input, toImage: (x, y) => ({ x: (x - padX) / scale, y: (y - padY) / scale }) };
}

function toFace(d: RawDetection, toImage: Letterbox['toImage'], image: RgbImage): DetectedFace {
  const [leftEye, rightEye, nose, mouth] = d.keypoints.map(([x, y]) => toImage(x, y));
  const topLeft = toImage(d.box[0], d.box[1]);
  const bottomRight = toImage(d.box[2], d.box[3]);
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const half = {
    x: (rightEye.x - leftEye.x) * HALF_MOUTH_PER_EYE_DISTANCE,
    y: (rightEye.y - leftEye.y) * HALF_MOUTH_PER_EYE_DISTANCE,
  };
  const landmarks: FaceLandmarks = {
    left_eye: leftEye,
    right_eye: rightEye,
    nose,
    mouth_left: { x: mouth.x - half.x, y: mouth.y - half.y },
    mouth_right: { x: mouth.x + half.x, y: mouth.y + half.y },
  };
  return {
    bbox: [
      clip(topLeft.x, image.width),
      clip(topLeft.y, image.height),
      clip(bottomRight.x, image.width),
      clip(bottomRight.y, image.height),
    ],
    confidence: d.score,
    landmarks,
  };
}
