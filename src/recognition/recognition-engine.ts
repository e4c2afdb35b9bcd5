import { Injectable } from '@nestjs/common';
import { mayGuessFace } from './engine/detect-options.js';
import type { DetectedFace, LivenessResult } from './engine/face.types.js';
import {
  type FaceQuality,
  FaceQualityAssessor,
  isFaceSizeReason,
  type QualityThresholds,
} from './engine/face-quality.js';
import { type DecodedImage, ImageDecoder } from './engine/image-decoder.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { Metrics } from '../metrics/metrics.js';
import { FaceModels } from './face-models.js';
import type { TurnedThreshold } from './match-decision.js';

export interface AnalyseOptions {
  /** Detector score threshold (0-1); the detector's default when absent. */
  minConfidence?: number;
  /**
   * The image is meant to show a face (default true); camera frames and group photos set false, so that a frame
   * with no face above the detector's threshold gets no guessed one (DetectOptions.expectFace).
   */
  expectFace?: boolean;
  /** Faces whose shorter box side is below this many pixels are not looked for (DetectOptions.minFaceSize). */
  minFaceSize?: number;
  /** Run the liveness models (when loaded). */
  liveness?: boolean;
  /**
   * Compute embeddings (all faces of the image in one batch); `comparison`: descriptors for comparing two photos
   * with each other, never to be stored or searched (DlibFaceEmbedder.embedForComparison).
   */
  embed?: boolean | 'comparison';
  quality?: Readonly<QualityThresholds>;
  /** Cut a JPEG snapshot of each face (with a margin around it, see snapshotBox) from the decoded image. */
  snapshots?: boolean;
}

export interface AnalysedFace extends DetectedFace {
  quality: FaceQuality;
  /**
   * Shorter side of the box in the pixels the models saw (images over 1920 px are downscaled first; `bbox` and
   * `quality.face_size` are in the uploaded image's pixels): what the smallest face identified is measured on.
   */
  analysedSize: number;
  liveness?: LivenessResult;
  /** L2-normalised; never leaves the service. */
  embedding?: Float32Array;
  /** JPEG of the face and some of its surroundings, when asked for (`snapshots`). */
  snapshot?: Buffer;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  faces: AnalysedFace[];
  timings: Record<string, number>;
  /**
   * Ids of the models that ran on this image: the detector (and the fallback detector when it was asked), then
   * liveness and the embedder when they ran.
   */
  models: string[];
  /**
   * The snapshot of `faces[index]` (see AnalyseOptions.snapshots), cut when asked: callers that store only some
   * faces' snapshots encode just those. Keeps the decoded image for as long as the analysis is referenced.
   */
  snapshot(index: number): Promise<Buffer>;
  /** The snapshot of `faces[index]` as a thumbnail (at most 256 px, like a stored photo's), cut when asked. */
  snapshotThumbnail(index: number): Promise<Buffer>;
}

/** Longer side of snapshot thumbnails, as ImageDecoder.thumbnail makes them for uploaded photos. */
const THUMBNAIL_SIDE = 256;

/** At most this many images are decoded and run through the models at once on one instance. */
const MAX_CONCURRENT_IMAGES = 2;

/**
 * The recognition pipeline behind one call: decode → detect → quality → liveness → embed. Coordinates in the
 * result are in the pixels of the uploaded image (after EXIF rotation), whatever size the models saw.
 */
@Injectable()
export class RecognitionEngine {
  private readonly decoder = new ImageDecoder();
  private readonly assessor = new FaceQualityAssessor();
  private readonly limit = new ConcurrencyLimit(MAX_CONCURRENT_IMAGES);

  constructor(
    private readonly models: FaceModels,
    private readonly metrics: Metrics,
  ) {}

  get embeddingModel(): { id: string; version: string; threshold: number; turnedThreshold: TurnedThreshold | null } {
    const embedder = this.models.embedder;
    return {
      id: embedder.modelId,
      version: embedder.modelVersion,
      threshold: embedder.defaultThreshold,
      turnedThreshold: embedder.turnedThreshold,
    };
  }

  /** Throws ImageError for bad bytes; otherwise the faces found, largest first. */
  analyse(bytes: Buffer, options: AnalyseOptions = {}): Promise<ImageAnalysis> {
    return this.limit.run(() => this.run(bytes, options));
  }

  private async run(bytes: Buffer, options: AnalyseOptions): Promise<ImageAnalysis> {
    const timings: Record<string, number> = {};
    const stage = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        timings[name] = round(performance.now() - started);
      }
    };
    const image = await stage('decode', () => this.decoder.decode(bytes));
    const { detector, fallbackDetector, embedder, liveness } = this.models;
    const detectOptions = {
      minConfidence: options.minConfidence,
      expectFace: options.expectFace,
      minFaceSize: options.minFaceSize,
      alone: this.limit.active === 1,
    };
    const detectors = [detector];
    let detected = await stage('detect', () =>
      this.models.timed(detector.modelId, () => detector.detect(image, detectOptions)),
    );
    if (detected.length === 0 && fallbackDetector && mayGuessFace(detectOptions)) {
      detectors.push(fallbackDetector);
      detected = await stage('detect_fallback', () =>
        this.models.timed(fallbackDetector.modelId, () => fallbackDetector.detect(image, detectOptions)),
      );
    }
    detected.sort((a, b) => area(b) - area(a));
    // The models run on the inference thread: liveness and the embedding are sent first, and the quality measures
    // (pixel work on this thread) are taken while they run.
    const checked =
      options.liveness && liveness && detected.length > 0
        ? stage('liveness', () => this.models.timed(liveness.modelId, () => liveness.check(image, detected)))
        : null;
    const embedded =
      options.embed && detected.length > 0
        ? stage('embed', () =>
            this.models.timed(embedder.modelId, () =>
              options.embed === 'comparison'
                ? embedder.embedForComparison(image, detected, { alone: this.limit.active === 1 })
                : embedder.embed(image, detected, { alone: this.limit.active === 1 }),
            ),
          )
        : null;
    const assessed = Promise.resolve().then(() => {
      const started = performance.now();
      const qualities = detected.map((face) => this.assessor.assess(image, face, options.quality));
      timings.quality = round(performance.now() - started);
      return qualities;
    });
    const [qualities, results, embeddings] = await Promise.all([assessed, checked, embedded]);
    const faces: AnalysedFace[] = detected.map((face, i) => ({
      ...face,
      quality: qualities[i],
      analysedSize: qualities[i].face_size,
    }));
    results?.forEach((result, i) => (faces[i].liveness = result));
    embeddings?.forEach((embedding, i) => (faces[i].embedding = embedding));
    const snapshot = (index: number, side?: number) => {
      if (!detected[index]) return Promise.reject(new RangeError(`No face ${index} in this image`));
      return this.decoder.encodeCrop(image, snapshotBox(detected[index].bbox), side);
    };
    if (options.snapshots && faces.length > 0) {
      const snapshots = await stage('snapshot', () => Promise.all(faces.map((_, i) => snapshot(i))));
      snapshots.forEach((bytes, i) => (faces[i].snapshot = bytes));
    }
    for (const [name, ms] of Object.entries(timings)) {
      this.metrics.recognitionStageDuration.observe({ stage: name }, ms / 1000);
    }
    const models = detectors.map((ran) => ran.modelId);
    if (timings.liveness !== undefined && liveness) models.push(liveness.modelId);
    if (timings.embed !== undefined) models.push(embedder.modelId);
    return {
      width: image.originalWidth,
      height: image.originalHeight,
      faces: faces.map((face) => toOriginalPixels(face, image)),
      timings,
      models,
      snapshot: (index) => snapshot(index),
      snapshotThumbnail: (index) => snapshot(index, THUMBNAIL_SIDE),
    };
  }
}

/**
 * The face box grown by 3/4 of its larger side on every side: enough context for the detector to find the face in
 * the snapshot again (with half, YuNet missed a face that filled most of the crop), so a snapshot can be enrolled.
 */
function snapshotBox([x1, y1, x2, y2]: DetectedFace['bbox']) {
  const margin = Math.max(x2 - x1, y2 - y1) * 0.75;
  return { x: x1 - margin, y: y1 - margin, width: x2 - x1 + 2 * margin, height: y2 - y1 + 2 * margin };
}

function area(face: DetectedFace): number {
  const [x1, y1, x2, y2] = face.bbox;
  return (x2 - x1) * (y2 - y1);
}

/** Maps a face found on a downscaled image back to the uploaded image's pixels. */
function toOriginalPixels(face: AnalysedFace, image: DecodedImage): AnalysedFace {
  if (image.scale === 1) return face;
  const s = 1 / image.scale;
  const point = (p: { x: number; y: number }) => ({ x: p.x * s, y: p.y * s });
  const [x1, y1, x2, y2] = face.bbox;
  return {
    ...face,
    bbox: [x1 * s, y1 * s, x2 * s, y2 * s],
    landmarks: {
      left_eye: point(face.landmarks.left_eye),
      right_eye: point(face.landmarks.right_eye),
      nose: point(face.landmarks.nose),
      mouth_left: point(face.landmarks.mouth_left),
      mouth_right: point(face.landmarks.mouth_right),
    },
    quality: {
      ...face.quality,
      face_size: Math.round(face.quality.face_size * s),
      reasons: face.quality.reasons.map((reason) =>
        isFaceSizeReason(reason) ? sizeReasonOfScaled(reason, image) : reason,
      ),
    },
  };
}

/**
 * A size reason's pixels are those the models saw, of the downscaled photo, where `face_size` is now the upload's:
 * the reason says so, or "face too small: 35 px < 48 px" would contradict a face_size of 70.
 */
const sizeReasonOfScaled = (reason: string, image: DecodedImage) =>
  `${reason}, on the photo scaled to ${image.width} x ${image.height} px for the models`;

const round = (value: number) => Math.round(value * 100) / 100;
