import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNumber, IsUUID, Max, Min } from 'class-validator';
import { Optional } from '../common/optional.js';
import type { MatchQuality } from './match-decision.js';
import type { AnalysedFace } from './recognition-engine.js';

/** Below this a detector's score means nothing: a lower threshold only lists noise as faces. */
export const MIN_DETECTION_CONFIDENCE = 0.5;

export class DetectFacesDto {
  /** Detector score threshold, 0.5-1 (default: the detector's own, 0.9 for YuNet, 0.65 for BlazeFace). */
  @Optional()
  @Type(() => Number)
  @IsNumber()
  @Min(MIN_DETECTION_CONFIDENCE)
  @Max(1)
  min_confidence?: number;
}

export class VerifyFacesDto {
  /** Compare image_a with this person's enrolled faces instead of with image_b. */
  @Optional()
  @IsUUID()
  employee_id?: string;
}

export class PointDto {
  x: number;
  y: number;
}

export class LandmarksDto {
  left_eye: PointDto;
  right_eye: PointDto;
  nose: PointDto;
  mouth_left: PointDto;
  mouth_right: PointDto;
}

export class FaceQualityDto {
  /** 0-1 focus measure (variance of the Laplacian, normalised). */
  sharpness: number;
  /** Mean luma of the face, 0-255. */
  brightness: number;
  /** Shorter side of the face box in pixels. */
  face_size: number;
  /** Degrees, estimated from the landmarks. */
  yaw: number;
  /** Degrees, from the eye line. */
  roll: number;
  @ApiProperty({ enum: ['good', 'fair', 'poor'], enumName: 'QualityVerdict' })
  overall: 'good' | 'fair' | 'poor';
  /** Why the face is not `good`. */
  reasons: string[];
}

export class LivenessDto {
  /** Averaged probability that the face is live (0-1). */
  score: number;
  is_live: boolean;
}

export class DetectedFaceDto {
  /** [x1, y1, x2, y2] in pixels of the uploaded image (after EXIF rotation). */
  @ApiProperty({ type: [Number], example: [120.5, 80.2, 260.1, 250.7] })
  bbox: number[];
  /** Detector score, 0-1. */
  confidence: number;
  landmarks: LandmarksDto;
  quality: FaceQualityDto;
  /** Present when the liveness models are loaded. */
  liveness?: LivenessDto;
}

export class ImageSizeDto {
  width: number;
  height: number;
}

export class DetectFacesResponseDto {
  processing_time_ms: number;
  image_size: ImageSizeDto;
  faces_detected: number;
  /** Largest face first. */
  faces: DetectedFaceDto[];
}

export class FaceBoxDto {
  @ApiProperty({ type: [Number] })
  bbox: number[];
}

export class VerifiedFacesDto {
  a: FaceBoxDto;
  /** Null when comparing with an enrolled person. */
  b: FaceBoxDto | null;
}

export class VerifyFacesResponseDto {
  /** True when both images show the same person at `threshold`. */
  match: boolean;
  /** Cosine similarity of the two embeddings, -1 to 1. */
  similarity: number;
  /** Euclidean distance of the normalised embeddings, 0-2; match when ≤ threshold. */
  distance: number;
  /**
   * The threshold applied: the model's default, or, comparing two photos (not a person), its turned-face threshold
   * when a face is turned 35° or more.
   */
  threshold: number;
  /** 0-1; 0.5 exactly at the threshold. */
  confidence: number;
  @ApiProperty({ enum: ['excellent', 'good', 'fair', 'poor'], enumName: 'MatchQuality' })
  match_quality: MatchQuality;
  faces: VerifiedFacesDto;
  /** The person compared with, when `employee_id` was given. */
  employee_id?: string;
  /** Liveness of image_a's face, when a caller asked for it (null: the model pack has no liveness model). */
  liveness?: { passed: boolean; score: number } | null;
  processing_time_ms: number;
}

export class ModelDto {
  id: string;
  @ApiProperty({ enum: ['face_detection', 'face_landmarks', 'face_embedding', 'liveness'], enumName: 'ModelTask' })
  task: string;
  version: string;
  /** [height, width], or null when the model takes any size. */
  @ApiProperty({ type: [Number], nullable: true })
  input_size: number[] | null;
  embedding_size: number | null;
  source: string;
  license: string;
  @ApiProperty({ enum: ['default', 'optional'] })
  pack: string;
  loaded: boolean;
  default_threshold: number | null;
  metric: string | null;
  average_inference_ms: number | null;
}

/** The public view of an analysed face: rounded numbers, no embedding. */
export function toDetectedFaceDto(face: AnalysedFace): DetectedFaceDto {
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
export const round4 = (value: number) => Math.round(value * 10000) / 10000;
export const roundBox = (box: readonly number[]) => box.map(round1);
