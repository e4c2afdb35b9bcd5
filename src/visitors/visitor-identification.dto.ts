import { ApiProperty } from '@nestjs/swagger';
import { VisitorDto } from './visitor-response.dto.js';

export const IDENTIFY_REASONS = [
  'matched',
  'no_face_detected',
  'too_small',
  'no_enrolled_visitors',
  'below_threshold',
] as const;
export type IdentifyReason = (typeof IDENTIFY_REASONS)[number];

export class VisitorMatchDto {
  visitor: VisitorDto;
  /** Cosine similarity of the best face, 0-1. */
  similarity: number;
  /** 0-1: how sure the match is (0.5 at the threshold). */
  confidence: number;
}

/** `POST /visitors/identify` takes the `image` file and no text field. */
export class VisitorIdentifyBodyDto {}

export class VisitorIdentifyResultDto {
  @ApiProperty({ type: VisitorMatchDto, nullable: true })
  match: VisitorMatchDto | null;
  /** Why there is no match (`too_small`: the largest face is under IDENTIFY_MIN_FACE_SIZE), or `matched`. */
  @ApiProperty({ enum: IDENTIFY_REASONS, enumName: 'VisitorIdentifyReason' })
  reason: IdentifyReason;
  @ApiProperty({ type: 'integer' })
  faces_detected: number;
}
