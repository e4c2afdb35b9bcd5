import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DetectOptions, DetectedFace, FaceDetector, RgbImage } from './face.types.js';
import { mayGuessFace } from './detect-options.js';
import { cropResizeToBgrPlanes } from './image-crop.js';
import { nonMaxSuppression } from './non-max-suppression.js';
import { decodeYuNetStride, yunetLetterbox } from './yunet-decode.js';
import { fileExists, floatOutput, type ModelSessionOptions, ModelSessions } from './onnx-session.js';

export const YUNET_DYNAMIC_FILE = 'yunet_s_dynamic.onnx';
export const YUNET_FIXED_FILE = 'yunet_s_640_640.onnx';

const STRIDES = [8, 16, 32] as const;
/** Side of the black square a close-up is looked at again in, as a multiple of the image's longer side. */
const CLOSE_UP_CANVAS = 2;
/**
 * Score threshold of the close-up look when the caller set none: faces turned to profile score lower (cfp-dev
 * profiles: 708 of 1,000 found at 0.9, 995-998 at 0.6-0.4); only the best face is kept, and only one at least
 * CLOSE_UP_MIN_FACE of the image's longer side (a dog in dlib's dogs.jpg scores 0.85 there, at a smaller size).
 */
const CLOSE_UP_MIN_CONFIDENCE = 0.5;
/** Smallest face side, as a share of the image's longer side, the close-up look takes. */
const CLOSE_UP_MIN_FACE = 0.3;
const FIXED_SIDE = 640;

export interface YuNetDetectorOptions extends ModelSessionOptions {
  /** Smaller images are enlarged so their longer side is this many pixels (default 640). */
  inputSize?: number;
  /**
   * Larger images are reduced so their longer side is this many pixels (default 960); images in between are
   * used at their own size. Group photos need it: at 640 px YuNet found 15 of the 29 people of Solvay 1927
   * (2048 px wide) and 4 of 6 in insightface-t1.jpg, at 960 px 26 and 6. Cost grows with the pixel count.
   */
  maxInputSize?: number;
  /**
   * Largest factor a small image is enlarged by to reach inputSize (default 2). Enlarging a tight face crop
   * (a 150 px chip) to 640 px makes a face bigger than YuNet was trained on, and it is missed.
   */
  maxUpscale?: number;
  /** Default score threshold (default 0.9); DetectOptions.minConfidence overrides it per call. */
  minConfidence?: number;
  /** IoU above which overlapping detections are merged (default 0.3). */
  nmsIouThreshold?: number;
}

/**
 * YuNet (libfacedetection, "s" size): faces with 5 landmarks. BGR raw 0-255 NCHW input; per stride 8/16/32 one
 * prior per cell, score = sqrt(cls * obj). Works with the dynamic-shape export or the fixed 640x640 one.
 */
export class YuNetDetector implements FaceDetector {
  readonly modelId = 'yunet-s';
  private readonly inputSize: number;
  private readonly maxInputSize: number;
  private readonly maxUpscale: number;
  private readonly minConfidence: number;
  private readonly nmsIouThreshold: number;

  private constructor(
    private readonly sessions: ModelSessions,
    private readonly fixedInput: boolean,
    options: YuNetDetectorOptions,
  ) {
    this.inputSize = options.inputSize ?? 640;
    this.maxInputSize = Math.max(options.maxInputSize ?? 960, this.inputSize);
    this.maxUpscale = options.maxUpscale ?? 2;
    this.minConfidence = options.minConfidence ?? 0.9;
    this.nmsIouThreshold = options.nmsIouThreshold ?? 0.3;
  }

  /** Loads the dynamic model from modelsDir (or else the fixed 640x640 one); null when neither file is there. */
  static async create(modelsDir: string, options: YuNetDetectorOptions = {}): Promise<YuNetDetector | null> {
    for (const [file, fixedInput] of [
      [YUNET_DYNAMIC_FILE, false],
      [YUNET_FIXED_FILE, true],
    ] as const) {
      const path = join(modelsDir, file);
      if (await fileExists(path))
        return new YuNetDetector(await ModelSessions.open(path, options), fixedInput, options);
    }
    return null;
  }

  /**
   * Faces of the image; when there is none, the image is looked at again in the middle of a black square
   * (CLOSE_UP_CANVAS times its longer side): a face filling the photo (an enrollment photo, a selfie, a tight crop)
   * is bigger than YuNet was trained on and missed, and found once it fills less of the input. Without a
   * threshold from the caller and with a face expected (DetectOptions.expectFace), that look takes the best face at
   * CLOSE_UP_MIN_CONFIDENCE, if it is a close-up.
   */
  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
    const faces = await this.detectIn(image, options);
    if (faces.length > 0) return faces;
    const { canvas, left, top } = centredOnSquare(image, CLOSE_UP_CANVAS);
    const lenient = mayGuessFace(options);
    const found = await this.detectIn(
      canvas,
      lenient ? { ...options, minConfidence: CLOSE_UP_MIN_CONFIDENCE } : options,
    );
    const longer = Math.max(image.width, image.height);
    const closeUps = found
      .map((face) => clipToImage(shifted(face, -left, -top), image))
      .filter((face) => face.bbox[2] - face.bbox[0] >= longer * CLOSE_UP_MIN_FACE);
    if (!lenient || closeUps.length === 0) return closeUps;
    return [closeUps.reduce((a, b) => (b.confidence > a.confidence ? b : a))];
  }

  private async detectIn(image: RgbImage, options: DetectOptions): Promise<DetectedFace[]> {
    const letterbox = yunetLetterbox(image.width, image.height, {
      inputSize: this.inputSize,
      maxInputSize: this.maxInputSize,
      maxUpscale: this.maxUpscale,
      fixedSide: this.fixedInput ? FIXED_SIDE : undefined,
    });
    const { inputWidth, inputHeight } = letterbox;
    const input = new Float32Array(3 * inputWidth * inputHeight);
    cropResizeToBgrPlanes(
      image,
      { x: 0, y: 0, width: image.width, height: image.height },
      Math.round(image.width * letterbox.scaleX),
      Math.round(image.height * letterbox.scaleY),
      { data: input, offset: 0, planeWidth: inputWidth, planeHeight: inputHeight },
    );
    const outputs = await this.sessions
      .pick(options.alone)
      .run({ input: new ort.Tensor('float32', input, [1, 3, inputHeight, inputWidth]) }, { handOver: true });
    const minConfidence = options.minConfidence ?? this.minConfidence;
    const candidates = STRIDES.flatMap((stride) => {
      const strideOutputs = {
        cls: floatOutput(outputs, `cls_${stride}`),
        obj: floatOutput(outputs, `obj_${stride}`),
        bbox: floatOutput(outputs, `bbox_${stride}`),
        kps: floatOutput(outputs, `kps_${stride}`),
      };
      return decodeYuNetStride(strideOutputs, stride, letterbox, minConfidence);
    });
    const minFaceSize = options.minFaceSize ?? 0;
    return nonMaxSuppression(candidates, this.nmsIouThreshold)
      .map((face) => clipToImage(face, image))
      .filter((face) => Math.min(face.bbox[2] - face.bbox[0], face.bbox[3] - face.bbox[1]) >= Math.max(1, minFaceSize));
  }
}

function clipToImage(face: DetectedFace, image: RgbImage): DetectedFace {
  const [x1, y1, x2, y2] = face.bbox;
  const clipX = (x: number) => Math.min(Math.max(x, 0), image.width);
  const clipY = (y: number) => Math.min(Math.max(y, 0), image.height);
  return { ...face, bbox: [clipX(x1), clipY(y1), clipX(x2), clipY(y2)] };
}

/** The image in the middle of a black square `factor` times its longer side, and where it sits in the square. */
function centredOnSquare(image: RgbImage, factor: number): { canvas: RgbImage; left: number; top: number } {
  const side = Math.round(Math.max(image.width, image.height) * factor);
  const left = Math.floor((side - image.width) / 2);
  const top = Math.floor((side - image.height) / 2);
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < image.height; y += 1) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((top + y) * side + left) * 3);
  }
  return { canvas: { width: side, height: side, data }, left, top };
}

/** The face moved by (dx, dy) pixels, landmarks with it. */
function shifted(face: DetectedFace, dx: number, dy: number): DetectedFace {
  const [x1, y1, x2, y2] = face.bbox;
  const move = (p: { x: number; y: number }) => ({ x: p.x + dx, y: p.y + dy });
  const { left_eye, right_eye, nose, mouth_left, mouth_right } = face.landmarks;
  return {
    ...face,
    bbox: [x1 + dx, y1 + dy, x2 + dx, y2 + dy],
    landmarks: {
      left_eye: move(left_eye),
      right_eye: move(right_eye),
      nose: move(nose),
      mouth_left: move(mouth_left),
      mouth_right: move(mouth_right),
    },
  };
}
