import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';

/** The bodies this API reads: JSON (and form posts), and multipart uploads. */
const ACCEPTED = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * A request with a body of another type (`text/plain`, a raw image, no type at all) answers 415
 * `unsupported_media_type` naming the types accepted, instead of reaching the route with an empty body and
 * failing validation field by field. Requests without a body pass.
 */
export function contentTypeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const empty = req.header('transfer-encoding') === undefined && Number(req.header('content-length') ?? 0) === 0;
  if (empty || req.is(['json', '+json', 'urlencoded', 'multipart'])) return next();
  next(
    new ApiError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'unsupported_media_type',
      'Send the body as application/json (or multipart/form-data for uploads)',
      { content_type: req.header('content-type') ?? null, accepted: ACCEPTED },
    ),
  );
}
