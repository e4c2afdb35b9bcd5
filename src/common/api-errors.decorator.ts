/** Error statuses a route can answer besides the ones every route of its kind gets (see src/app/openapi-errors.ts). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** The stable `error` codes a route can answer, by status. */
export type ErrorCodes = Partial<Record<ErrorStatus, readonly string[]>>;

export const API_ERRORS = 'api-errors';

/** Both sets of codes, status by status, without repeats. */
export function mergeErrorCodes(a: ErrorCodes, b: ErrorCodes): ErrorCodes {
  const merged: ErrorCodes = { ...a };
  for (const [status, codes] of Object.entries(b) as [`${ErrorStatus}`, readonly string[]][]) {
    const key = Number(status) as ErrorStatus;
    merged[key] = [...new Set([...(merged[key] ?? []), ...codes])];
  }
  return merged;
}

/**
 * Declares the error codes a route answers beyond those its access rule, parameters and body imply, so the OpenAPI
 * document types them (`{ error: <enum>, message, details?, trace_id }`). Several uses on one route add up.
 */
export function ApiErrors(codes: ErrorCodes): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(API_ERRORS, handler) as ErrorCodes | undefined) ?? {};
    Reflect.defineMetadata(API_ERRORS, mergeErrorCodes(current, codes), handler);
    return descriptor;
  };
}

/** What every image upload can answer (src/recognition/engine/image-errors.ts). */
export const IMAGE_UPLOAD_ERRORS: ErrorCodes = {
  400: ['invalid_image'],
  413: ['image_too_large', 'payload_too_large'],
  415: ['unsupported_media_type'],
  422: ['unsupported_aspect_ratio', 'image_decode_timeout'],
};
