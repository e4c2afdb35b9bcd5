import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import { Optional } from '../common/optional.js';
import { toBoolean } from '../common/transforms.js';
import { RejectedPhotoDto } from '../faces/face-template.dto.js';

export class VisitorPhotosDto {
  /** Reject photos the liveness models take for a photo of a photo or a screen (default true). */
  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  check_liveness?: boolean;
}

export class VisitorPhotosResultDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
  /** Face templates stored (one per accepted photo). */
  @ApiProperty({ type: 'integer' })
  added_vectors: number;
  /** The photos refused, with the reason (no face, several faces, low quality, liveness). */
  rejected: RejectedPhotoDto[];
}
