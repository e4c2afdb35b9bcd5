import { ApiProperty } from '@nestjs/swagger';
import { type Camera, type CameraStatus } from './camera.entity.js';
import { CAMERA_STATUSES } from './camera.dto.js';

export class CameraHealthDto {
  @ApiProperty({ enum: CAMERA_STATUSES, enumName: 'CameraStatus' })
  status: CameraStatus;
  last_heartbeat_at: Date | null;
  last_frame_at: Date | null;
  @ApiProperty({ type: 'integer' })
  frames_processed: number;
  @ApiProperty({ type: 'integer' })
  faces_processed: number;
  @ApiProperty({ type: 'integer' })
  error_count: number;
  last_error: string | null;
  last_error_at: Date | null;
  /** Mean processing time of a frame, in milliseconds (null before the first frame). */
  average_processing_ms: number | null;
}

export function toCameraHealthDto(camera: Camera, status: CameraStatus): CameraHealthDto {
  return {
    status,
    last_heartbeat_at: camera.lastHeartbeatAt,
    last_frame_at: camera.lastFrameAt,
    frames_processed: camera.framesProcessed,
    faces_processed: camera.facesProcessed,
    error_count: camera.errorCount,
    last_error: camera.lastError,
    last_error_at: camera.lastErrorAt,
    average_processing_ms:
      camera.framesProcessed > 0 ? Math.round((camera.processingMsTotal / camera.framesProcessed) * 100) / 100 : null,
  };
}

export class HeartbeatDto {
  camera_id: string;
  @ApiProperty({ enum: CAMERA_STATUSES, enumName: 'CameraStatus' })
  status: CameraStatus;
  last_heartbeat_at: Date;
}

/** The stream URL with its credentials: only for `cameras:view_stream`; every read is audited. */
export class CameraStreamDto {
  /** Null for a camera without a URL (usb, kiosk). */
  stream_url: string | null;
}

/** What a TCP connection to the stream's host and port found. */
export class ConnectionTestDto {
  reachable: boolean;
  host: string;
  @ApiProperty({ type: 'integer' })
  port: number;
  /** Time to connect, in milliseconds (null when it failed). */
  latency_ms: number | null;
  /** Why it failed: `timeout`, `connection_refused`, `host_not_found`, `host_unreachable`, or a system code. */
  error: string | null;
}
