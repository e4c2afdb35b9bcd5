import { ApiError } from '../common/api-error.js';
import type { FieldError } from '../common/validation.js';
import type { CreateCameraDto } from './camera.dto.js';
import type { Camera, CameraSourceType } from './camera.entity.js';
import { parseStreamUrl, schemeOf, splitStreamUrl, type StreamCredentials } from './stream-credentials.js';

/** The URL schemes each source type takes; `usb` and `kiosk` need no URL. */
const SCHEMES_OF: Record<CameraSourceType, { schemes: string[]; urlRequired: boolean }> = {
  rtsp: { schemes: ['rtsp', 'rtsps'], urlRequired: true },
  http: { schemes: ['http', 'https'], urlRequired: true },
  usb: { schemes: ['rtsp', 'rtsps', 'http', 'https'], urlRequired: false },
  kiosk: { schemes: ['rtsp', 'rtsps', 'http', 'https'], urlRequired: false },
};

/**
 * Copies the given fields of a create/update body onto the camera and returns its credentials as they now are
 * (`current`, changed by `username`, `password` and the secrets of a new `source_url`). The URL stored on the
 * camera never holds secrets. Returns whether the credentials changed.
 */
export function applyCameraInput(
  camera: Camera,
  input: Partial<CreateCameraDto>,
  current: StreamCredentials,
): { credentials: StreamCredentials; credentialsChanged: boolean } {
  if (input.name !== undefined) camera.name = input.name;
  if (input.location_id !== undefined) camera.locationId = input.location_id;
  if (input.direction !== undefined) camera.direction = input.direction;
  if (input.source_type !== undefined) camera.sourceType = input.source_type;
  if (input.fps !== undefined) camera.fps = input.fps;
  if (input.resolution !== undefined) camera.resolution = input.resolution;
  if (input.confidence_threshold !== undefined) camera.confidenceThreshold = input.confidence_threshold;
  if (input.min_face_size !== undefined) camera.minFaceSize = input.min_face_size;
  if (input.liveness_check_enabled !== undefined) camera.livenessCheckEnabled = input.liveness_check_enabled;
  if (input.is_active !== undefined) camera.isActive = input.is_active;

  const credentials: StreamCredentials = { ...current, query: [...current.query] };
  let credentialsChanged = false;
  if (input.source_url !== undefined) {
    // Secrets that came with the old URL's query go with it; a user name or password in the new URL replaces
    // the stored one.
    credentialsChanged = credentials.query.length > 0;
    credentials.query = [];
    camera.sourceUrl = null;
    if (input.source_url !== null) {
      const split = splitStreamUrl(input.source_url);
      camera.sourceUrl = split.url;
      if (split.credentials.username !== null) credentials.username = split.credentials.username;
      if (split.credentials.password !== null) credentials.password = split.credentials.password;
      credentials.query = split.credentials.query;
      credentialsChanged ||=
        split.credentials.username !== null || split.credentials.password !== null || credentials.query.length > 0;
    }
  }
  if (input.username !== undefined) {
    credentials.username = input.username;
    credentialsChanged = true;
  }
  if (input.password !== undefined) {
    credentials.password = input.password;
    credentialsChanged = true;
  }
  return { credentials, credentialsChanged };
}

/** 400 when the camera's source type and URL do not fit together (after a create or an update). */
export function assertSourceFits(camera: Camera): void {
  const rule = SCHEMES_OF[camera.sourceType];
  const problems: FieldError[] = [];
  if (camera.sourceUrl === null) {
    if (rule.urlRequired) {
      problems.push({
        field: 'source_url',
        code: 'required',
        message: `source_url is required for ${camera.sourceType} cameras`,
      });
    }
  } else {
    const url = parseStreamUrl(camera.sourceUrl);
    if (url && !rule.schemes.includes(schemeOf(url))) {
      problems.push({
        field: 'source_url',
        code: 'url_scheme',
        message: `source_url of a ${camera.sourceType} camera must be a ${rule.schemes.join(' or ')} URL`,
      });
    }
  }
  if (problems.length > 0) {
    throw ApiError.badRequest('validation_error', 'The request is not valid', problems);
  }
}
