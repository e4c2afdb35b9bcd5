import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsUUID, Max, Min } from 'class-validator';
import { Optional } from '../common/optional.js';
import { toBoolean } from '../common/transforms.js';
import { DEFAULT_MAX_SIDE } from '../recognition/engine/image-decoder.js';
import { FaceQualityDto, LandmarksDto, LivenessDto } from '../recognition/recognition.dto.js';

/** The smallest face side identify may be asked to start at: the default pack's detector finds none smaller. */
export const MIN_FACE_SIZE_FLOOR = 20;
/** Photos are downscaled to this longer side for the models, so no face they see is larger. */
const MIN_FACE_SIZE_CEILING = DEFAULT_MAX_SIDE;

/** `min_face_size` as the multipart forms of identify, its tasks and bulk describe it. */
export const MIN_FACE_SIZE_FIELD = {
  type: 'integer',
  minimum: MIN_FACE_SIZE_FLOOR,
  maximum: MIN_FACE_SIZE_CEILING,
  description:
    'Smallest face looked for (shorter box side, pixels of the image the models see; default: every face the ' +
    'detector finds, from 20 px with the default pack); faces under IDENTIFY_MIN_FACE_SIZE are found but not ' +
    'named, so starting there skips the search for them',
};

export class IdentifyFacesDto {
  /** How many best candidates to list per face, 1-5 (default 3). */
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  top_k?: number;

  /** Largest embedding distance that counts as a match (default: the model's calibrated threshold). */
  @Optional()
  @Type(() => Number)
  @IsNumber()
  @Min(0.05)
  @Max(1.5)
  threshold?: number;

  /** Only people of this department. */
  @Optional()
  @IsUUID()
  department_id?: string;

  @ApiProperty({ enum: ['employee', 'student'], required: false })
  @Optional()
  @IsIn(['employee', 'student'])
  kind?: 'employee' | 'student';

  /**
   * Also run the liveness models on each face and answer `liveness` (default false; only when the models are
   * loaded). Cameras ask for it per camera (`liveness_check_enabled`).
   */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  check_liveness?: boolean;

  /**
   * Smallest face looked for: the shorter side of its box, in pixels of the image the models see (photos over 1920
   * px are downscaled first), 20-1920; default: every face the detector finds (from 20 px with the default pack).
   * Faces under IDENTIFY_MIN_FACE_SIZE are found but not named (`too_small`); a caller that has no use for them (a
   * kiosk, a selfie) can start at that size: the default pack then looks at a 640x480 photo in two small runs
   * instead of three.
   */
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_FACE_SIZE_FLOOR)
  @Max(MIN_FACE_SIZE_CEILING)
  min_face_size?: number;
}

export class IdentifiedDepartmentDto {
  id: string;
  code: string;
  name: string;
}

export class IdentifiedPersonDto {
  id: string;
  code: string;
  full_name: string;
  kind: string;
  department: IdentifiedDepartmentDto | null;
}

export class TopMatchDto {
  person_id: string;
  similarity: number;
}

export class IdentifiedFaceDto {
  /** [x1, y1, x2, y2] in pixels of the uploaded image. */
  @ApiProperty({ type: [Number] })
  bbox: number[];
  /** Detector score, 0-1. */
  detection_confidence: number;
  landmarks: LandmarksDto;
  quality: FaceQualityDto;
  liveness?: LivenessDto;
  recognized: boolean;
  person: IdentifiedPersonDto | null;
  similarity: number | null;
  distance: number | null;
  /** 0-1 match confidence; 0.5 at the threshold. */
  confidence: number | null;
  @ApiProperty({ enum: ['excellent', 'good', 'fair', 'poor'], nullable: true })
  match_quality: string | null;
  top_matches: TopMatchDto[];
  /**
   * Why the face was not recognised; `too_small`: its box is under IDENTIFY_MIN_FACE_SIZE (40 px), too small to name
   * anyone reliably (its `top_matches` are hints only).
   */
  @ApiProperty({ enum: ['no_enrolled_faces', 'too_small', 'below_threshold', 'matched_another_face'], required: false })
  reason?: string;
}

export class IdentifySummaryDto {
  total_faces: number;
  recognized: number;
  unrecognized: number;
}

export class IdentifyFacesResponseDto {
  processing_time_ms: number;
  faces_detected: number;
  faces_recognized: number;
  faces: IdentifiedFaceDto[];
  summary: IdentifySummaryDto;
  threshold: number;
}
