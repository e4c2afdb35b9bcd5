import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn } from 'class-validator';
import { orderingsOf } from '../common/ordering.js';
import { PageDto } from '../common/page.dto.js';
import { PageQuery } from '../common/pagination.js';
import { Optional } from '../common/optional.js';
import { JOB_STATUSES } from '../jobs/job.entity.js';
import { FACE_ANGLES } from './face-template.entity.js';
import type { FaceTemplate } from './face-template.entity.js';
import { toBoolean } from '../common/transforms.js';
import type { FileUrls } from '../storage/file-urls.js';

export class EnrollFacesDto {
  /** Keep nothing when any photo fails (default: keep the good ones). */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  all_or_nothing?: boolean;

  /**
   * Reject photos the liveness models take for a photo of a photo or a screen (default true; only when the
   * liveness models are loaded). Turn off to enroll from scanned or archived pictures.
   */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  check_liveness?: boolean;
}

export class EnrollQuery {
  /** Answer when the job is done (201 with the result) instead of 202 with the job id. */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  wait?: boolean;
}

export class FaceTemplateDto {
  id: string;
  employee_id: string;
  @ApiProperty({ enum: FACE_ANGLES, enumName: 'FaceAngle' })
  angle: string;
  model_id: string;
  model_version: string;
  /** 0-1, from sharpness and pose. */
  quality_score: number;
  @ApiProperty({ type: 'object', additionalProperties: true })
  quality: Record<string, unknown>;
  liveness_score: number | null;
  is_primary: boolean;
  /** GET /api/v1/files/{id} with a bearer token. */
  photo_id: string | null;
  thumbnail_id: string | null;
  /** Signed URL of the photo, for a plain `<img src>` (no token; expires, see docs/api.md). */
  photo_url: string | null;
  /** Signed URL of the thumbnail. */
  thumbnail_url: string | null;
  created_at: Date;
}

export const FACE_TEMPLATE_ORDERINGS = orderingsOf(['created_at', 'quality_score', 'angle'] as const);
export type FaceTemplateOrdering = (typeof FACE_TEMPLATE_ORDERINGS)[number];

export class FaceTemplateQuery extends PageQuery {
  /** Default: the primary photo first, then oldest first. A leading `-` sorts descending. */
  @ApiPropertyOptional({ enum: FACE_TEMPLATE_ORDERINGS, enumName: 'FaceTemplateOrdering' })
  @Optional()
  @IsIn(FACE_TEMPLATE_ORDERINGS)
  ordering?: FaceTemplateOrdering;
}

export class FaceTemplatePageDto extends PageDto(FaceTemplateDto) {}

export class RejectedPhotoDto {
  /** The form field (angle) or `images[n]`. */
  photo: string;
  error: string;
  message: string;
  details?: unknown;
}

export class EnrollmentResultDto {
  employee_id: string;
  accepted: FaceTemplateDto[];
  rejected: RejectedPhotoDto[];
}

export class EnrollmentJobDto {
  job_id: string;
  @ApiProperty({ enum: JOB_STATUSES, enumName: 'JobStatus' })
  status: string;
}

export class UpdateFaceTemplateDto {
  /** Make this the person's primary photo. */
  @IsBoolean()
  is_primary: boolean;
}

export function toFaceTemplateDto(template: FaceTemplate, urls: FileUrls): FaceTemplateDto {
  return {
    id: template.id,
    employee_id: template.employeeId,
    angle: template.angle,
    model_id: template.modelId,
    model_version: template.modelVersion,
    quality_score: template.qualityScore,
    quality: template.quality,
    liveness_score: template.livenessScore,
    is_primary: template.isPrimary,
    photo_id: template.photoId,
    thumbnail_id: template.thumbnailId,
    photo_url: urls.signOptional(template.organizationId, template.photoId),
    thumbnail_url: urls.signOptional(template.organizationId, template.thumbnailId),
    created_at: template.createdAt,
  };
}
