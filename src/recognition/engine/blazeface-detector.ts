import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  type AnchorLayers,
  BACK_MODEL_ANCHORS,
  blazeFaceAnchors,
  decodeBlazeFace,
  FULL_RANGE_ANCHORS,
  weightedNonMaxSuppression,
} from './blazeface-decode.js';
import type { RawDetection } from './blazeface-decode.js';
import { type AffineMap, sourcePixelsPerOutputPixel, warpAffine } from './affine-warp.js';
import { planViews, type SquareView } from './detection-views.js';
import type { DetectedFace, DetectOptions, FaceDetector, FaceLandmarks, RgbImage } from './face.types.js';
import { openOnnxSession, type OnnxSessionOptions } from './onnx-session.js';

/** A BlazeFace model of the default pack: its file, input side, anchors and what it finds. */
export interface BlazeFaceModel {
  id: string;
  file: string;
  inputSize: number;
  anchors: AnchorLayers;
  /** Whether the input takes several views in one run (a dynamic batch). */
  batched: boolean;
  /** Smallest face side, in input pixels, the model finds reliably (measured: see docs/recognition.md). */
  minFaceInInput: number;
  /** Default score threshold. */
  minConfidence: number;
}

export const BLAZEFACE_BACK: BlazeFaceModel = {
  id: 'blazeface-back',
  file: 'blazeface-back.onnx',
  inputSize: 256,
  anchors: BACK_MODEL_ANCHORS,
  batched: false,
  minFaceInInput: 24,
  minConfidence: 0.65,
};

export const BLAZEFACE_FULL_RANGE: BlazeFaceModel = {
  id: 'blazeface-full-range',
  file: 'blazeface-full-range.onnx',
  inputSize: 192,
  anchors: FULL_RANGE_ANCHORS,
  batched: true,
  minFaceInInput: 12,
  minConfidence: 0.6,
};

/** Default score threshold of the back model; MediaPipe's back-camera graph uses 0.65. */
export const BLAZEFACE_MIN_CONFIDENCE = BLAZEFACE_BACK.minConfidence;
const IOU_THRESHOLD = 0.3;
/**
 * Anchors scoring at least this share of the score threshold join the score-weighted average of a face whose best
 * anchor passes the threshold: more predictions averaged, steadier landmarks (which faces are found does not change).
 */
const CANDIDATE_FACTOR = 0.3;
/**
 * BlazeFace gives one mouth point (its centre). The two mouth corners are estimated from it, half the typical
 * mouth width (0.43 x the eye distance, from the ArcFace 5-point template) along the eye line on either side, so their
 * midpoint is exactly the detected mouth centre. They are estimates, not measurements.
 */
const HALF_MOUTH_PER_EYE_DISTANCE = 0.43;
/** Views per model run for batched models (bounds the input buffer: 16 x 192 x 192 x 3 floats = 7 MB). */
const MAX_BATCH = 16;

export interface BlazeFaceDetectorOptions extends OnnxSessionOptions {
  /** Which model (default the full-range one). */
  model?: BlazeFaceModel;
  /**
   * Smallest face side (image pixels) looked for when DetectOptions.minFaceSize does not say (default 20): tiles are
   * added until such a face fills `minFaceInInput` model pixels. 0 looks at the whole image only.
   */
  minFaceSize?: number;
  /** Share of a tile's side that neighbouring tiles overlap (default 0.25). */
  overlap?: number;
}

/**
 * MediaPipe BlazeFace through onnxruntime over several square views of the image (detection-views.ts): the whole
 * image letterboxed into the model input, then tiles, finer and finer, until the smallest wanted face is big enough
 * for the model. Each view's anchors are decoded and merged by weighted NMS per view; a tile keeps the faces whose
 * centre lies in its core and that it sees whole; then all views' faces are merged again. The 6 keypoints map to 5
 * landmarks.
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly modelId: string;
  private readonly anchors: [number, number][];
  private readonly minFaceSize: number;
  private readonly overlap: number;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly model: BlazeFaceModel = BLAZEFACE_FULL_RANGE,
    options: BlazeFaceDetectorOptions = {},
  ) {
    this.modelId = model.id;
    this.anchors = blazeFaceAnchors(model.inputSize, model.anchors);
    this.minFaceSize = options.minFaceSize ?? 20;
    this.overlap = options.overlap ?? 0.25;
  }

  /** Opens the model's file in `modelsDir`. */
  static async create(modelsDir: string, options: BlazeFaceDetectorOptions = {}): Promise<BlazeFaceDetector> {
    const model = options.model ?? BLAZEFACE_FULL_RANGE;
    return new BlazeFaceDetector(await openOnnxSession(join(modelsDir, model.file), options), model, options);
  }

  /** The views detect() runs on an image of this size. */
  views(width: number, height: number, minFaceSize = this.minFaceSize): SquareView[] {
    const { inputSize, minFaceInInput } = this.model;
    const all = planViews(width, height, { inputSize, minFaceInInput, minFaceSize, overlap: this.overlap });
    return minFaceSize > 0 ? all : all.slice(0, 1);
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const minConfidence = options.minConfidence ?? this.model.minConfidence;
    const minFaceSize = options.minFaceSize ?? 0;
    const views = this.views(image.width, image.height, Math.max(minFaceSize, this.minFaceSize));
    const perView = await this.run(image, views, minConfidence);
    const found = perView.flatMap((detections, i) =>
      detections.filter((d) => d.score >= minConfidence && this.keeps(views[i], d, image)),
    );
    return weightedNonMaxSuppression(found, IOU_THRESHOLD)
      .map((d) => toFace(d, image))
      .filter((f) => Math.min(f.bbox[2] - f.bbox[0], f.bbox[3] - f.bbox[1]) >= minFaceSize);
  }

  /**
   * Whether a tile's detection stands: its centre in the tile's core, and not larger than the overlap (a larger face
   * may be cut by the tile's edge; the coarser view sees it whole). The whole-image view keeps everything.
   */
  private keeps(view: SquareView, d: RawDetection, image: RgbImage): boolean {
    if (view.level === 0) return true;
    const cx = (d.box[0] + d.box[2]) / 2;
    const cy = (d.box[1] + d.box[3]) / 2;
    const [x1, y1, x2, y2] = view.core;
    if (cx < x1 || cx >= x2 || cy < y1 || cy >= y2) return false;
    const size = Math.max(d.box[2] - d.box[0], d.box[3] - d.box[1]);
    const cut =
      (d.box[0] < view.x && view.x > 0) ||
      (d.box[1] < view.y && view.y > 0) ||
      (d.box[2] > view.x + view.side && view.x + view.side < image.width) ||
      (d.box[3] > view.y + view.side && view.y + view.side < image.height);
    return !cut && size <= view.side * this.overlap * 2;
  }

  /** Runs the model on every view (batched when the model allows) and returns each view's merged detections. */
  private async run(image: RgbImage, views: SquareView[], minConfidence: number): Promise<RawDetection[][]> {
    const batch = this.model.batched ? MAX_BATCH : 1;
    const results: RawDetection[][] = [];
    const size = this.model.inputSize;
    const values = size * size * 3;
    for (let start = 0; start < views.length; start += batch) {
      const chunk = views.slice(start, start + batch);
      const input = new Float32Array(chunk.length * values);
      const toImage = chunk.map((view, i) => squareView(image, view, size, input, i * values));
      const outputs = await this.session.run({ input: new ort.Tensor('float32', input, [chunk.length, size, size, 3]) });
      const scores = outputs.scores.data as Float32Array;
      const boxes = outputs.boxes.data as Float32Array;
      const n = this.anchors.length;
      chunk.forEach((_, i) => {
        const candidates = decodeBlazeFace(
          scores.subarray(i * n, (i + 1) * n),
          boxes.subarray(i * n * 16, (i + 1) * n * 16),
          this.anchors,
          minConfidence * CANDIDATE_FACTOR,
        );
        results.push(
          weightedNonMaxSuppression(candidates, IOU_THRESHOLD).map((d) => {
            const [x1, y1] = toImage[i](d.box[0], d.box[1]);
            const [x2, y2] = toImage[i](d.box[2], d.box[3]);
            return { score: d.score, box: [x1, y1, x2, y2], keypoints: d.keypoints.map(([x, y]) => toImage[i](x, y)) };
          }),
        );
      });
    }
    return results;
  }
}

/**
 * Resamples a square region of the image into a model input of `size` x `size` written at `offset`, and returns the
 * map from model-input pixels back to image pixels. For the whole image the region is centred on it with the longer
 * side, i.e. a letterbox with black bars.
 */
export function squareView(
  image: RgbImage,
  region: { x: number; y: number; side: number },
  size: number,
  out: Float32Array,
  offset = 0,
): (x: number, y: number) => [number, number] {
  const scale = size / region.side; // input pixels per image pixel
  const inv = 1 / scale;
  // Input pixel u covers image position region.x + (u + 0.5) / scale, i.e. pixel index that minus 0.5.
  const map: AffineMap = { a: inv, b: 0, c: region.x + 0.5 * inv - 0.5, d: 0, e: inv, f: region.y + 0.5 * inv - 0.5 };
  warpAffine(image, map, size, size, out, offset, Math.ceil(sourcePixelsPerOutputPixel(map) - 0.5));
  return (x, y) => [region.x + x * inv, region.y + y * inv];
}

function toFace(d: RawDetection, image: RgbImage): DetectedFace {
  const [leftEye, rightEye, nose, mouth] = d.keypoints.map(([x, y]) => ({ x, y }));
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
      clip(d.box[0], image.width),
      clip(d.box[1], image.height),
      clip(d.box[2], image.width),
      clip(d.box[3], image.height),
    ],
    confidence: d.score,
    landmarks,
  };
}
