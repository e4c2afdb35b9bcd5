import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { Optional } from '../common/optional.js';
import { PageQuery } from '../common/pagination.js';
import { toBoolean, trim } from '../common/transforms.js';
import {
  CAMERA_DIRECTIONS,
  CAMERA_SOURCE_TYPES,
  type Camera,
  type CameraDirection,
  type CameraSourceType,
  type CameraStatus,
} from './camera.entity.js';
import { parseStreamUrl, STREAM_URL_SCHEMES } from './stream-credentials.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';

export const CAMERA_STATUSES = ['online', 'offline'] as const;

/** An absolute URL of scheme rtsp, rtsps, http or https, with a host. The message never repeats the value. */
const IsStreamUrl = () =>
  ValidateBy({
    name: 'isStreamUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseStreamUrl(value) !== null,
      defaultMessage: () => `source_url must be a URL of scheme ${STREAM_URL_SCHEMES.join(', ')} with a host`,
    },
  });

export class CreateCameraDto {
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  /** A location of the organisation; null for none. */
  @IsOptional()
  @IsUUID()
  location_id?: string | null;

  @ApiProperty({ enum: CAMERA_DIRECTIONS, enumName: 'CameraDirection', required: false, default: 'both' })
  @Optional()
  @IsIn(CAMERA_DIRECTIONS)
  direction?: CameraDirection;

  @ApiProperty({ enum: CAMERA_SOURCE_TYPES, enumName: 'CameraSourceType', required: false, default: 'http' })
  @Optional()
  @IsIn(CAMERA_SOURCE_TYPES)
  source_type?: CameraSourceType;

  /**
   * rtsp(s) for `rtsp` cameras, http(s) for `http` ones (required for both); `usb` and `kiosk` may have none. User
   * name, password and secret query parameters (`pwd`, `token`, …) in it are stored encrypted, and the URL
   * without them.
   */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsStreamUrl()
  source_url?: string | null;

  /** Stream user name; stored encrypted and never returned (null clears it). */
  @ApiPropertyOptional({ type: String, nullable: true, writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username?: string | null;

  /** Stream password; stored encrypted and never returned (null clears it). */
  @ApiPropertyOptional({ type: String, nullable: true, writeOnly: true, format: 'password' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  password?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 60, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  fps?: number | null;

  /** `<width>x<height>` in pixels, e.g. `1280x720`. */
  @IsOptional()
  @IsString()
  @Matches(/^[1-9]\d{0,4}x[1-9]\d{0,4}$/, { message: 'resolution must be <width>x<height>, e.g. 1280x720' })
  resolution?: string | null;

  /** 0..1; overrides the organisation's match threshold for this camera (null: the default). */
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidence_threshold?: number | null;

  /**
   * Smallest face (shorter side of its box, in pixels of the frame as the models see it: frames over 1920 px are
   * downscaled to 1920 first) looked for and identified in this camera's frames; smaller faces make no presence
   * event. Null: PRESENCE_MIN_FACE_SIZE (48 unless configured).
   */
  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 16, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(1000)
  min_face_size?: number | null;

  @Optional()
  @IsBoolean()
  liveness_check_enabled?: boolean;

  /** Inactive cameras keep their settings, but their keys are refused. */
  @Optional()
  @IsBoolean()
  is_active?: boolean;
}

export class UpdateCameraDto extends CreateCameraDto {
  @ApiPropertyOptional()
  @Optional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare name: string;
}

export const CAMERA_ORDERINGS = orderingsOf(['name', 'created_at', 'last_heartbeat_at'] as const);
export type CameraOrdering = (typeof CAMERA_ORDERINGS)[number];

export class CameraQuery extends PageQuery {
  @OrderingParam(CAMERA_ORDERINGS, 'CameraOrdering', 'name')
  ordering: CameraOrdering = 'name';
  @Optional()
  @IsUUID()
  location_id?: string;

  @Optional()
  @Transform(toBoolean)
  @IsBoolean()
  is_active?: boolean;

  /** The live status: a heartbeat or frame within CAMERA_ONLINE_WINDOW_SECONDS is `online`. */
  @ApiProperty({ enum: CAMERA_STATUSES, enumName: 'CameraStatus', required: false })
  @Optional()
  @IsIn(CAMERA_STATUSES)
  status?: CameraStatus;

  /** Matches the name. */
  @Optional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export class CameraDto {
  id: string;
  organization_id: string;
  location_id: string | null;
  name: string;
  @ApiProperty({ enum: CAMERA_DIRECTIONS, enumName: 'CameraDirection' })
  direction: CameraDirection;
  @ApiProperty({ enum: CAMERA_SOURCE_TYPES, enumName: 'CameraSourceType' })
  source_type: CameraSourceType;
  /** The URL without credentials. */
  source_url: string | null;
  /** Whether a user name, password or secret URL parameter is stored (they are never returned). */
  has_credentials: boolean;
  @ApiProperty({ type: 'integer', nullable: true })
  fps: number | null;
  resolution: string | null;
  confidence_threshold: number | null;
  /** The camera's own smallest face size, or null for the configured default. */
  @ApiProperty({ type: 'integer', nullable: true })
  min_face_size: number | null;
  liveness_check_enabled: boolean;
  is_active: boolean;
  /** Live: `online` while the last heartbeat or frame is within CAMERA_ONLINE_WINDOW_SECONDS. */
  @ApiProperty({ enum: CAMERA_STATUSES, enumName: 'CameraStatus' })
  status: CameraStatus;
  last_heartbeat_at: Date | null;
  last_frame_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toCameraDto(camera: Camera, status: CameraStatus): CameraDto {
  return {
    id: camera.id,
    organization_id: camera.organizationId,
    location_id: camera.locationId,
    name: camera.name,
    direction: camera.direction,
    source_type: camera.sourceType,
    source_url: camera.sourceUrl,
    has_credentials: camera.sealedCredentials !== null,
    fps: camera.fps,
    resolution: camera.resolution,
    confidence_threshold: camera.confidenceThreshold,
    min_face_size: camera.minFaceSize,
    liveness_check_enabled: camera.livenessCheckEnabled,
    is_active: camera.isActive,
    status,
    last_heartbeat_at: camera.lastHeartbeatAt,
    last_frame_at: camera.lastFrameAt,
    created_at: camera.createdAt,
    updated_at: camera.updatedAt,
  };
}
