export type ImageErrorCode =
  'unsupported_media_type' | 'image_too_large' | 'unsupported_aspect_ratio' | 'image_decode_timeout' | 'invalid_image';

const STATUS_BY_CODE: Record<ImageErrorCode, number> = {
  unsupported_media_type: 415,
  image_too_large: 413,
  unsupported_aspect_ratio: 422,
  image_decode_timeout: 422,
  invalid_image: 400,
};

/**
 * The only error the image decoder throws for bad input. `code` is the stable error code of the API's error
 * shape, `status` its HTTP status, `details` the measured values (e.g. pixel count and limit).
 */
export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ImageErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageError';
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.details = details;
  }
}
