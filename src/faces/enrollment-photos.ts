import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { sniffImageFormat } from '../recognition/engine/image-decoder.js';
import type { UploadedImages } from '../recognition/image-upload.js';
import type { FaceAngle } from './face-template.entity.js';

/** The named angles of the 5-angle protocol, each a form field of one photo. */
export const ANGLE_FIELDS = ['front', 'left', 'right', 'angled_left', 'angled_right'] as const;
/** The form field for photos without a named angle (repeatable). */
export const IMAGES_FIELD = 'images';
export const MAX_ENROLLMENT_PHOTOS = 10;

export interface EnrollmentPhoto {
  /** How the photo is named in results: the angle field, or `images[n]`. */
  label: string;
  angle: FaceAngle;
  bytes: Buffer;
}

/**
 * The photos of an enrollment request in a stable order (named angles first), checked before anything is
 * stored: 1-10 photos, each JPEG, PNG or WebP by its bytes (415 naming the photo otherwise).
 */
export function collectEnrollmentPhotos(files: UploadedImages | undefined): EnrollmentPhoto[] {
  const photos: EnrollmentPhoto[] = [];
  for (const angle of ANGLE_FIELDS) {
    const file = files?.[angle]?.[0];
    if (file) photos.push({ label: angle, angle, bytes: file.buffer });
  }
  (files?.[IMAGES_FIELD] ?? []).forEach((file, i) =>
    photos.push({ label: `${IMAGES_FIELD}[${i}]`, angle: 'other', bytes: file.buffer }),
  );
  if (photos.length === 0 || photos.length > MAX_ENROLLMENT_PHOTOS) {
    throw ApiError.badRequest('validation_error', `Send 1 to ${MAX_ENROLLMENT_PHOTOS} photos`, [
      {
        field: IMAGES_FIELD,
        errors: [`between 1 and ${MAX_ENROLLMENT_PHOTOS} photos are required, got ${photos.length}`],
      },
    ]);
  }
  for (const photo of photos) {
    if (photo.bytes.length === 0 || sniffImageFormat(photo.bytes) === null) {
      throw new ApiError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        `${photo.label}: not a JPEG, PNG or WebP image`,
        {
          field: photo.label,
          accepted: ['image/jpeg', 'image/png', 'image/webp'],
        },
      );
    }
  }
  return photos;
}
