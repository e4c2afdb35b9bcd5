import { HttpException, HttpStatus } from '@nestjs/common';

/** An error with a stable machine-readable code, rendered as `{ error, message, details?, trace_id }`. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super({ error: code, message, details }, status);
  }

  static notFound(entity: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${entity} not found`);
  }

  static conflict(message: string, details?: unknown): ApiError {
    return new ApiError(HttpStatus.CONFLICT, 'conflict', message, details);
  }

  static forbidden(message = 'You do not have permission to do this'): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, 'forbidden', message);
  }

  static unauthorized(code = 'unauthorized', message = 'Authentication is required'): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, code, message);
  }

  static badRequest(code: string, message: string, details?: unknown): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
  }
}
