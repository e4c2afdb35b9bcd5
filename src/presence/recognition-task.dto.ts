import { ApiProperty, OmitType } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { Optional } from '../common/optional.js';
import { JOB_STATUSES } from '../jobs/job.entity.js';
import { JobErrorDto } from '../jobs/job.dto.js';
import { IdentifyFacesDto } from '../faces/identification.dto.js';

export const RECOGNITION_TASK_KINDS = ['verify', 'identify'] as const;
export type RecognitionTaskKind = (typeof RECOGNITION_TASK_KINDS)[number];

/** Options of identification, as POST /recognition/identify takes them (its `kind` filter aside). */
export class IdentifyOptionsDto extends OmitType(IdentifyFacesDto, ['kind'] as const) {}

export class CreateRecognitionTaskDto extends IdentifyOptionsDto {
  /** `identify` the faces of `image`, or `verify` `image_a` against `image_b` or an enrolled `employee_id`. */
  @ApiProperty({ enum: RECOGNITION_TASK_KINDS, enumName: 'RecognitionTaskKind' })
  @IsIn(RECOGNITION_TASK_KINDS)
  kind: RecognitionTaskKind;

  /** With `verify`: compare image_a with this person's enrolled faces instead of with image_b. */
  @Optional()
  @IsUUID()
  employee_id?: string;
}

export class BulkRecognitionDto extends IdentifyOptionsDto {
  /** Verify every frame against this person's enrolled faces instead of identifying its faces. */
  @Optional()
  @IsUUID()
  employee_id?: string;
}

export class RecognitionTaskQueuedDto {
  task_id: string;
  @ApiProperty({ enum: JOB_STATUSES, enumName: 'JobStatus' })
  status: string;
}

export class RecognitionTaskDto {
  task_id: string;
  @ApiProperty({ enum: RECOGNITION_TASK_KINDS, enumName: 'RecognitionTaskKind' })
  kind: string;
  /** `queued`, `running`, then `completed` (with `result`) or `failed` (with `error`). */
  @ApiProperty({ enum: JOB_STATUSES, enumName: 'JobStatus' })
  status: string;
  /** What POST /recognition/identify or /recognition/verify would have answered. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  result: unknown;
  error: JobErrorDto | null;
  created_at: Date;
  finished_at: Date | null;
}

export class BulkFrameResultDto {
  /** Position of the frame in the request, from 0. */
  index: number;
  filename: string;
  @ApiProperty({ enum: ['ok', 'error'] })
  status: 'ok' | 'error';
  /** The identify (or verify, with employee_id) answer for this frame. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  result: unknown;
  /** Why this frame failed (`{ error, message, details? }`); the other frames are unaffected. */
  error: JobErrorDto | null;
}

export class BulkRecognitionResponseDto {
  processing_time_ms: number;
  frames: number;
  results: BulkFrameResultDto[];
}
