import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DetectOptions, DetectedFace, FaceDetector, RgbImage } from './face.types.js';
import { cropResizeToBgrPlanes } from './image-crop.js';
import { nonMaxSuppression } from './non-max-suppression.js';
import { decodeYuNetStride, yunetLetterbox } from './yunet-decode.js';
import { fileExists, floatOutput, openOnnxSession, type OnnxSessionOptions } from './onnx-session.js';

export const YUNET_DYNAMIC_FILE = 'yunet_s_dynamic.onnx';
export const YUNET_FIXED_FILE = 'yunet_s_640_640.onnx';

const STRIDES = [8, 16, 32] as const;
const FIXED_SIDE = 640;

export interface YuNetDetectorOptions extends OnnxSessionOptions {
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
    private readonly session: ort.InferenceSession,
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
      if (await fileExists(path)) return new YuNetDetector(await openOnnxSession(path, options), fixedInput, options);
    }
    return null;
  }

  async detect(image: RgbImage, options: DetectOptions = {}): Promise<DetectedFace[]> {
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
    const outputs = await this.session.run({
      input: new ort.Tensor('float32', input, [1, 3, inputHeight, inputWidth]),
    });
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
