import { ENROLLMENT_QUALITY_THRESHOLDS, type QualityThresholds } from '../recognition/engine/face-quality.js';
import { ImageError } from '../recognition/engine/image-errors.js';
import type { AnalysedFace, RecognitionEngine } from '../recognition/recognition-engine.js';
import type { RejectedPhotoDto } from './face-template.dto.js';
import type { FaceAngle } from './face-template.entity.js';

/** A photo that passed the enrollment checks, with its face and embedding. */
export interface AcceptedFace {
  label: string;
  angle: FaceAngle;
  bytes: Buffer;
  face: AnalysedFace & { embedding: Float32Array };
}

/** How far the head may turn: a named front photo must face the camera, side views are meant to turn. */
const MAX_YAW_BY_ANGLE: Record<FaceAngle, number> = {
  front: ENROLLMENT_QUALITY_THRESHOLDS.maxYaw,
  other: 45,
  angled_left: 60,
  angled_right: 60,
  left: 75,
  right: 75,
};

function thresholdsFor(angle: FaceAngle): Readonly<QualityThresholds> {
  return { ...ENROLLMENT_QUALITY_THRESHOLDS, maxYaw: MAX_YAW_BY_ANGLE[angle] };
}

/**
 * The enrollment bar for one photo, the same for employees and visitors: a readable image, exactly one face, the
 * quality thresholds of its angle, and liveness when asked (and its models are loaded).
 */
export async function checkEnrollmentPhoto(
  engine: RecognitionEngine,
  label: string,
  angle: FaceAngle,
  bytes: Buffer,
  checkLiveness: boolean,
): Promise<AcceptedFace | RejectedPhotoDto> {
  const thresholds = thresholdsFor(angle);
  let faces: AnalysedFace[];
  try {
    ({ faces } = await engine.analyse(bytes, { embed: true, liveness: checkLiveness, quality: thresholds }));
  } catch (error) {
    if (error instanceof ImageError)
      return { photo: label, error: error.code, message: error.message, details: error.details };
    throw error;
  }
  if (faces.length === 0) {
    return { photo: label, error: 'no_face_detected', message: `No face was found in ${label}` };
  }
  if (faces.length > 1) {
    return {
      photo: label,
      error: 'multiple_faces',
      message: `${label} shows ${faces.length} faces; enrollment photos must show exactly one`,
      details: { faces_detected: faces.length },
    };
  }
  const [face] = faces;
  if (face.quality.overall === 'poor') {
    return {
      photo: label,
      error: 'low_quality',
      message: `${label} is below the enrollment quality bar: ${face.quality.reasons.join('; ')}`,
      details: { quality: face.quality, required: thresholds },
    };
  }
  if (face.liveness && !face.liveness.is_live) {
    return {
      photo: label,
      error: 'liveness_failed',
      message: `${label} looks like a photo of a photo or a screen`,
      details: { liveness: face.liveness },
    };
  }
  return { label, angle, bytes, face: face as AcceptedFace['face'] };
}

/** 0-1: sharpness, discounted for turned or tilted heads. */
export function qualityScore(face: AnalysedFace): number {
  const { sharpness, yaw, roll } = face.quality;
  const score = sharpness * (1 - Math.min(Math.abs(yaw), 90) / 90) * (1 - Math.min(Math.abs(roll), 90) / 90);
  return Math.round(score * 1000) / 1000;
}
