import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { asApiError, requireImage, type UploadedImages } from './image-upload.js';
import { decideMatch, euclideanDistance } from './match-decision.js';
import { type AnalysedFace, type ImageAnalysis, RecognitionEngine } from './recognition-engine.js';
import type {
  DetectedFaceDto,
  DetectFacesDto,
  DetectFacesResponseDto,
  VerifyFacesResponseDto,
} from './recognition.dto.js';

const NO_FACE_SUGGESTIONS = [
  'Use a photo where the face is well lit and faces the camera',
  'Make sure the face is at least about 80 pixels wide and not cut off',
  'Avoid heavy blur, sunglasses or a covered face',
];

/** Detection and 1:1 verification over uploaded images. */
@Injectable()
export class RecognitionService {
  constructor(private readonly engine: RecognitionEngine) {}

  async detect(files: UploadedImages | undefined, input: DetectFacesDto): Promise<DetectFacesResponseDto> {
    const started = performance.now();
    const analysis = await this.analyse(files, 'image', { minConfidence: input.min_confidence, liveness: true });
    return {
      processing_time_ms: elapsed(started),
      image_size: { width: analysis.width, height: analysis.height },
      faces_detected: analysis.faces.length,
      faces: analysis.faces.map(toFaceDto),
    };
  }

  /** Compares the largest face of each image. */
  async verify(files: UploadedImages | undefined): Promise<VerifyFacesResponseDto> {
    const started = performance.now();
    const [a, b] = await Promise.all([
      this.analyse(files, 'image_a', { embed: true }),
      this.analyse(files, 'image_b', { embed: true }),
    ]);
    const faceA = largestFace(a, 'image_a');
    const faceB = largestFace(b, 'image_b');
    const decision = decideMatch(
      euclideanDistance(faceA.embedding!, faceB.embedding!),
      this.engine.embeddingModel.threshold,
    );
    return {
      ...decision,
      faces: { a: { bbox: roundBox(faceA.bbox) }, b: { bbox: roundBox(faceB.bbox) } },
      processing_time_ms: elapsed(started),
    };
  }

  private async analyse(
    files: UploadedImages | undefined,
    field: string,
    options: Parameters<RecognitionEngine['analyse']>[1],
  ): Promise<ImageAnalysis> {
    const bytes = requireImage(files, field);
    try {
      return await this.engine.analyse(bytes, options);
    } catch (error) {
      throw asApiError(error, field);
    }
  }
}

function largestFace(analysis: ImageAnalysis, field: string): AnalysedFace {
  const face = analysis.faces[0];
  if (!face) {
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'no_face_detected', `No face was found in ${field}`, {
      field,
      image_size: { width: analysis.width, height: analysis.height },
      suggestions: NO_FACE_SUGGESTIONS,
    });
  }
  return face;
}

function toFaceDto(face: AnalysedFace): DetectedFaceDto {
  const point = (p: { x: number; y: number }) => ({ x: round1(p.x), y: round1(p.y) });
  const { landmarks, quality } = face;
  return {
    bbox: roundBox(face.bbox),
    confidence: round4(face.confidence),
    landmarks: {
      left_eye: point(landmarks.left_eye),
      right_eye: point(landmarks.right_eye),
      nose: point(landmarks.nose),
      mouth_left: point(landmarks.mouth_left),
      mouth_right: point(landmarks.mouth_right),
    },
    quality: {
      sharpness: round4(quality.sharpness),
      brightness: round1(quality.brightness),
      face_size: Math.round(quality.face_size),
      yaw: round1(quality.yaw),
      roll: round1(quality.roll),
      overall: quality.overall,
      reasons: quality.reasons,
    },
    ...(face.liveness ? { liveness: { score: round4(face.liveness.score), is_live: face.liveness.is_live } } : {}),
  };
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round4 = (value: number) => Math.round(value * 10000) / 10000;
const roundBox = (box: readonly number[]) => box.map(round1);
const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
