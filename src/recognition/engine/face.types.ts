/** Shared shapes of the recognition pipeline: decoder → detector → aligner → quality/liveness → embedder. */

/** A decoded image: packed RGB bytes (3 channels, row-major, no alpha), EXIF rotation already applied. */
export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B order. */
  data: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * Five landmarks in image pixels. "left"/"right" are as seen in the image (image-left eye has the smaller x
 * on an upright face), the order ArcFace-style alignment and YuNet use.
 */
export interface FaceLandmarks {
  left_eye: Point;
  right_eye: Point;
  nose: Point;
  mouth_left: Point;
  mouth_right: Point;
}

export interface DetectedFace {
  /** [x1, y1, x2, y2] in image pixels, clipped to the image. */
  bbox: [number, number, number, number];
  /** Detector score, 0-1. */
  confidence: number;
  landmarks: FaceLandmarks;
}

export interface DetectOptions {
  /** Faces scoring below this are dropped (0-1). */
  minConfidence?: number;
  /** Faces whose shorter box side is below this many pixels are dropped. */
  minFaceSize?: number;
  /**
   * The image is meant to show a face (default true: an uploaded photo of a person). Without `minConfidence`, when
   * no face reaches the detector's threshold, its best guess at a lower score is returned: turned faces and close-ups
   * score low. Camera frames and group photos, which may show no face at all, set false: on faceless crops the guess
   * is a hand, a leg or a wall (docs/benchmarks.md, Detection sweep).
   */
  expectFace?: boolean;
  /** No other image is in the models: the detector may use more threads (more cores) for its runs (ModelSessions). */
  alone?: boolean;
}

export interface FaceDetector {
  /** Model id as listed in the manifest / GET /models (e.g. "blazeface-back", "yunet-s"). */
  readonly modelId: string;
  detect(image: RgbImage, options?: DetectOptions): Promise<DetectedFace[]>;
}

export interface FaceEmbedder {
  readonly modelId: string;
  readonly modelVersion: string;
  /** Length of one embedding (128 for the dlib descriptor). */
  readonly dimensions: number;
  /** Embeds several faces of one image in one batch; each result is L2-normalised. */
  embed(image: RgbImage, faces: DetectedFace[], options?: EmbedOptions): Promise<Float32Array[]>;
}

export interface EmbedOptions {
  /** No other image is in the models: the embedder may use more threads (more cores) for this batch. */
  alone?: boolean;
}

export interface LivenessResult {
  score: number;
  is_live: boolean;
}

export interface LivenessChecker {
  readonly modelId: string;
  check(image: RgbImage, faces: DetectedFace[]): Promise<LivenessResult[]>;
}
