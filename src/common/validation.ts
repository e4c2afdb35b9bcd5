import { type ArgumentMetadata, HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { assertSafeInput } from './untrusted-input.js';

export interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, errors: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * The global validation pipe, which first refuses input no DTO should see: nesting deep enough to overflow
 * class-transformer, NUL characters and prototype keys (see untrusted-input.ts). JSON bodies and queries were
 * already checked by the middleware; multipart bodies and route params are parsed later and meet it here.
 */
class UntrustedInputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      assertSafeInput(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    }
    return super.transform(value, metadata);
  }
}

/** The one global validation pipe: strips nothing silently (unknown fields are rejected) and lists every field. */
export function createValidationPipe(): ValidationPipe {
  return new UntrustedInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new ApiError(HttpStatus.BAD_REQUEST, 'validation_error', 'The request is not valid', flatten(errors)),
  });
}
