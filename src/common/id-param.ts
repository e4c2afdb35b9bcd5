import { Param, ParseUUIDPipe, HttpStatus } from '@nestjs/common';
import { ApiError } from './api-error.js';

/** `:id` as a UUID; anything else is 404 (an unknown id and a malformed one look the same to the caller). */
export const IdParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      version: undefined,
      exceptionFactory: () => new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'Not found'),
    }),
  );
