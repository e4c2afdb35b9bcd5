import type { CameraDirection } from './camera.entity.js';

/** What frame processing needs to know of a camera. */
export interface CameraProfile {
  id: string;
  organizationId: string;
  locationId: string | null;
  name: string;
  direction: CameraDirection;
  /** The camera's own match threshold, or null for the organisation's default. */
  confidenceThreshold: number | null;
  livenessCheckEnabled: boolean;
  /** The smallest face side (pixels) identified in its frames, or null for PRESENCE_MIN_FACE_SIZE. */
  minFaceSize: number | null;
  /** The stream URL without credentials. */
  streamUrl: string | null;
}

/** What one processed frame adds to a camera's health figures. */
export interface FrameOutcome {
  faces: number;
  processingMs: number;
  /** Set when the frame could not be processed (bad image, engine error). */
  error?: string;
}
