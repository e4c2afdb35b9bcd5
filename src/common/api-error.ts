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

  /**
   * 409 `in_use`: the record cannot be deleted while others refer to it. `details` names what uses it and how
   * many: `{ used_by, count }` (e.g. `{ used_by: 'employees', count: 3 }`).
   */
  static inUse(entity: string, usedBy: string, count: number): ApiError {
    return new ApiError(
      HttpStatus.CONFLICT,
      'in_use',
      `The ${entity} is in use by ${count} ${usedBy.replaceAll('_', ' ')}; reassign them first`,
      { used_by: usedBy, count },
    );
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
