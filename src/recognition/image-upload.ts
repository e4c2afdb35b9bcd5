import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { ApiErrors, IMAGE_UPLOAD_ERRORS } from '../common/api-errors.decorator.js';
import { ImageError } from './engine/image-errors.js';

/** Largest upload accepted per image, in bytes. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export type UploadedImages = Record<string, Express.Multer.File[] | undefined>;

/**
 * Multipart upload of the named image fields (one file each, kept in memory, at most MAX_IMAGE_BYTES), with the
 * Swagger form that lets a person try it from the browser. Extra text fields are validated by the body DTO.
 */
export function ImageUpload(
  fields: string[],
  extra: Record<string, object> = {},
  /** Extra file fields that take several files (or are optional), with their maximum count. */
  multiFileFields: Record<string, number> = {},
  /** Fields the form marks required (default: the single-file fields when there are no others). */
  required: string[] = Object.keys(multiFileFields).length > 0 ? [] : fields,
) {
  const uploads = [
    ...fields.map((name) => ({ name, maxCount: 1 })),
    ...Object.entries(multiFileFields).map(([name, maxCount]) => ({ name, maxCount })),
  ];
  const maxFiles = uploads.reduce((sum, upload) => sum + upload.maxCount, 0);
  const fileProperties = Object.fromEntries(
    Object.entries(multiFileFields)
      .filter(([name]) => !(name in extra))
      .map(([name, maxCount]) => [
        name,
        maxCount === 1
          ? { type: 'string', format: 'binary', description: 'JPEG, PNG or WebP' }
          : { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: maxCount },
      ]),
  );
  return applyDecorators(
    UseInterceptors(
      FileFieldsInterceptor(uploads, {
        limits: { fileSize: MAX_IMAGE_BYTES, files: maxFiles, fields: 20, fieldSize: 64 * 1024 },
      }),
      new TextInFileFieldsDropped(uploads.map((upload) => upload.name)),
    ),
    ApiConsumes('multipart/form-data'),
    ApiBody({
      schema: {
        type: 'object',
        required,
        properties: {
          ...Object.fromEntries(
            fields.map((name) => [name, { type: 'string', format: 'binary', description: 'JPEG, PNG or WebP' }]),
          ),
          ...fileProperties,
          ...extra,
        },
      },
    }),
    ApiErrors(IMAGE_UPLOAD_ERRORS),
  );
}

/**
 * A file field holds files only. A form (Swagger UI's among them) sends a file input left empty as an empty text
 * part, and an empty file list as the sample text "string": such text parts are dropped, so that an angle not
 * chosen is simply absent rather than refused as an unknown text field.
 */
class TextInFileFieldsDropped implements NestInterceptor {
  constructor(private readonly fileFields: string[]) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    const body = context.switchToHttp().getRequest<{ body?: Record<string, unknown> }>().body;
    for (const name of this.fileFields) {
      if (body && typeof body === 'object') delete body[name];
    }
    return next.handle();
  }
}

/** The bytes of a required image field, or a 400 naming the field. */
export function requireImage(files: UploadedImages | undefined, field: string): Buffer {
  const file = files?.[field]?.[0];
  if (!file || file.size === 0) {
    throw ApiError.badRequest('validation_error', `The image "${field}" is required`, [
      { field, errors: [`${field} must be an uploaded image file`] },
    ]);
  }
  return file.buffer;
}

/** Re-throws an ImageError as the API error of the same code and status, naming the field. */
export function asApiError(error: unknown, field: string): unknown {
  if (!(error instanceof ImageError)) return error;
  return new ApiError(error.status, error.code, `${field}: ${error.message}`, {
    field,
    ...error.details,
  });
}
