import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import {
  decodeBlazeFace,
  gridAnchors,
  type RawDetection,
  toDetectedFace,
  weightedNonMaxSuppression,
} from './blazeface-decode.js';
import { paddedSide, planScales } from './detection-views.js';
import type { DetectedFace, DetectOptions, FaceDetector, RgbImage } from './face.types.js';
import { mayGuessFace } from './detect-options.js';
import { nonMaxSuppression } from './non-max-suppression.js';
import { type ModelSessionOptions, ModelSessions } from './onnx-session.js';

export const FULL_RANGE_FILE = 'blazeface-full-range.onnx';
/** Default score threshold (dogs.jpg scores at most 0.xx; see docs/recognition.md). */
export const FULL_RANGE_MIN_CONFIDENCE = 0.6;
/**
 * When no face reaches the threshold, the single best detection at or above this score is returned: profiles score
 * 0.43-0.59 (210 of 250 cfp-dev profiles pass 0.6), while a lower threshold for every face adds false faces in group
 * photos (bbt 25 faces at 0.5 instead of 23). dogs.jpg's best is 0.25.
 */
export const FULL_RANGE_FALLBACK_CONFIDENCE = 0.4;
/** The model was trained on 192x192 inputs. */
const TRAINED_SIZE = 192;
/**
 * Share of the trained input the whole image takes in the close-up level: a face filling the photo (a selfie, an
 * enrollment photo, a 150 px chip) is bigger than the model was trained on when it fills the input (13 of dlib's 55
 * johns chips missed), and found when it fills this share of it.
 */
const CLOSE_UP_SHARE = 0.5;
/**
 * Close-up shares tried when nothing was found: faces turned to profile score higher smaller (cfp-dev profiles
 * missed at 0.5 scored 0.56-0.85 at 0.35 or 0.25).
 */
const FALLBACK_CLOSE_UP_SHARES = [0.35, 0.25];
/** Smallest face side, as a share of the image's longer side, taken from the close-up level. */
const CLOSE_UP_MIN_FACE = 0.3;
/** One anchor per 4x4 cell. */
const STRIDE = 4;
/** Input height and width must be multiples of the network's total stride. */
const SIZE_MULTIPLE = 32;
const IOU_THRESHOLD = 0.3;
/** See BlazeFaceDetector: weaker anchors of a face join its score-weighted average. */
const CANDIDATE_FACTOR = 0.3;

export interface FullRangeDetectorOptions extends ModelSessionOptions {
  /**
   * Smallest face side (image pixels) looked for unless DetectOptions.minFaceSize asks for bigger ones (default 20):
   * the finest pyramid level scales the image so such a face is `minFaceInInput` model pixels.
   */
  minFaceSize?: number;
  /** Smallest face side, in model pixels, the finest level relies on (default 12; measured, docs/recognition.md). */
  minFaceInInput?: number;
  /** Largest ratio between neighbouring pyramid levels (default 4). */
  levelRatio?: number;
  /** Default score threshold (FULL_RANGE_MIN_CONFIDENCE). */
  minConfidence?: number;
}

/**
 * MediaPipe's full-range BlazeFace (the default pack's detector) over an image pyramid. The network is fully
 * convolutional, so each level is one run over the whole scaled image (sides padded to multiples of 32), no tiles:
 * the coarsest level fits the image into the 192 px the model was trained at and finds close-ups and big faces; the
 * finest scales it so a `minFaceSize` face is `minFaceInInput` model pixels (20 px faces in class photos); levels in
 * between keep neighbouring scales within `levelRatio`. A one-face 640x480 photo costs two small runs (192x160 and
 * 384x288). Each level's anchors are decoded, then all levels' detections merged by MediaPipe's weighted NMS.
 */
export class FullRangeFaceDetector implements FaceDetector {
  readonly modelId = 'blazeface-full-range';
  private readonly minFaceSize: number;
  private readonly minFaceInInput: number;
  private readonly levelRatio: number;
  private readonly minConfidence: number;
  private readonly anchorCache = new Map<string, [number, number][]>();

  constructor(
    private readonly sessions: ModelSessions,
    options: FullRangeDetectorOptions = {},
  ) {
    this.minFaceSize = options.minFaceSize ?? 20;
    this.minFaceInInput = options.minFaceInInput ?? 12;
    this.levelRatio = options.levelRatio ?? 4;
    this.minConfidence = options.minConfidence ?? FULL_RANGE_MIN_CONFIDENCE;
  }

  static async create(modelsDir: string, options: FullRangeDetectorOptions = {}): Promise<FullRangeFaceDetector> {
    return new FullRangeFaceDetector(await ModelSessions.open(join(modelsDir, FULL_RANGE_FILE), options), options);
  }

  /** The pyramid's scales (model pixels per image pixel) for an image of this size, coarsest first. */
  scales(width: number, height: number, minFaceSize = this.minFaceSize): number[] {
    return planScales(width, height, {
      trainedSize: TRAINED_SIZE,
      minFaceInInput: this.minFaceInInput,
      minFaceSize,
      levelRatio: this.levelRatio,
    });
  }

  /**
   * Faces scoring at least the threshold (DetectOptions.minConfidence, else the detector's). With the default
   * threshold, none found and a face expected (DetectOptions.expectFace), the image is taken for a turned close-up:
   * looked at again smaller (FALLBACK_CLOSE_UP_SHARES), and the best face scoring at least
   * FULL_RANGE_FALLBACK_CONFIDENCE is returned.
   */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const threshold = options.minConfidence ?? this.minConfidence;
    const minFaceSize = options.minFaceSize ?? 0;
    const scales = this.scales(image.width, image.height, Math.max(minFaceSize, this.minFaceSize));
    const lenient = mayGuessFace(options);
    const floor = lenient ? Math.min(FULL_RANGE_FALLBACK_CONFIDENCE, threshold) : threshold;
    const run: LevelRun = { floor, alone: options.alone ?? false };
    // Every level at once: sharp resizes the next levels while the inference thread runs the first.
    const levels = await Promise.all([
      this.closeUp(image, scales[0], [CLOSE_UP_SHARE], run),
      ...scales.map((scale) => this.runLevel(image, scale, run)),
    ]);
    const found = levels.flat();
    let faces = merge(found, image, minFaceSize);
    const sure = faces.filter((f) => f.confidence >= threshold);
    if (sure.length > 0 || !lenient) return sure;
    found.push(...(await this.closeUp(image, scales[0], FALLBACK_CLOSE_UP_SHARES, run)));
    faces = merge(found, image, minFaceSize);
    return faces.length === 0 ? [] : [faces.reduce((a, b) => (b.confidence > a.confidence ? b : a))];
  }

  /**
   * Close-up levels: the whole image at `shares` of the trained size, centred on a black square of that size; only
   * big faces count there (the image is 96 px or less: anything small in it is a guess).
   */
  private async closeUp(image: RgbImage, whole: number, shares: number[], run: LevelRun): Promise<RawDetection[]> {
    const longer = Math.max(image.width, image.height);
    const levels = await Promise.all(shares.map((share) => this.runLevel(image, whole * share, run, TRAINED_SIZE)));
    return levels.flat().filter((d) => d.box[2] - d.box[0] >= longer * CLOSE_UP_MIN_FACE);
  }

  /**
   * One pyramid level: the image resized by sharp, padded black (right and below, or centred on a `canvas` square),
   * one model run, detections in image pixels.
   */
  private async runLevel(image: RgbImage, scale: number, run: LevelRun, canvas = 0): Promise<RawDetection[]> {
    const width = Math.max(1, Math.round(image.width * scale));
    const height = Math.max(1, Math.round(image.height * scale));
    const inputWidth = paddedSide(Math.max(width, canvas), SIZE_MULTIPLE);
    const inputHeight = paddedSide(Math.max(height, canvas), SIZE_MULTIPLE);
    const left = canvas ? Math.floor((inputWidth - width) / 2) : 0;
    const top = canvas ? Math.floor((inputHeight - height) / 2) : 0;
    const pixels =
      width === image.width && height === image.height
        ? image.data
        : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
            .resize(width, height, { fit: 'fill' })
            .raw()
            .toBuffer();
    const input = new Float32Array(inputWidth * inputHeight * 3);
    for (let y = 0; y < height; y += 1) {
      const row = pixels.subarray(y * width * 3, (y + 1) * width * 3);
      input.set(row, ((top + y) * inputWidth + left) * 3);
    }
    const outputs = await this.sessions
      .pick(run.alone)
      .run({ input: new ort.Tensor('float32', input, [1, inputHeight, inputWidth, 3]) }, { handOver: true });
    const candidates = decodeBlazeFace(
      outputs.scores.data as Float32Array,
      outputs.boxes.data as Float32Array,
      this.anchors(inputWidth, inputHeight),
      run.floor * CANDIDATE_FACTOR,
    );
    // Scale factors per axis: the resize rounds each side, so map back with the exact ratios.
    const sx = image.width / width;
    const sy = image.height / height;
    const toImage = ([x, y]: [number, number]): [number, number] => [(x - left) * sx, (y - top) * sy];
    return weightedNonMaxSuppression(candidates, IOU_THRESHOLD)
      .filter((d) => d.score >= run.floor)
      .map((d) => {
        const [x1, y1] = toImage([d.box[0], d.box[1]]);
        const [x2, y2] = toImage([d.box[2], d.box[3]]);
        return { score: d.score, box: [x1, y1, x2, y2], keypoints: d.keypoints.map(toImage) };
      });
  }

  private anchors(width: number, height: number): [number, number][] {
    const key = `${width}x${height}`;
    let anchors = this.anchorCache.get(key);
    if (!anchors) {
      anchors = gridAnchors(width, height, STRIDE);
      if (this.anchorCache.size > 64) this.anchorCache.clear();
      this.anchorCache.set(key, anchors);
    }
    return anchors;
  }
}

/** How every level of one detection runs: the lowest score kept, and whether the image is alone in the models. */
interface LevelRun {
  floor: number;
  alone: boolean;
}

/**
 * Across levels plain NMS: each face keeps the landmarks of the level that saw it best, not an average of a coarse
 * and a fine view (the weighted merge happens within each level).
 */
function merge(found: RawDetection[], image: RgbImage, minFaceSize: number): DetectedFace[] {
  return nonMaxSuppression(
    found.map((d) => toDetectedFace(d, image)),
    IOU_THRESHOLD,
  ).filter((f) => Math.min(f.bbox[2] - f.bbox[0], f.bbox[3] - f.bbox[1]) >= minFaceSize);
}
