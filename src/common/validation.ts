import { type ArgumentMetadata, HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error.js';
import { assertSafeInput } from './untrusted-input.js';

/**
 * One problem with one field, as `details` of a 400 `validation_error` lists them: `code` is a machine code a
 * client can translate (the class-validator constraint, `isUuid`, `maxLength`, …, or `required`, `unknown_field`,
 * `invalid`), `message` the English sentence.
 */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** class-validator's names for two constraints clients meet often, in the words of this API. */
const CONSTRAINT_CODES: Record<string, string> = { whitelistValidation: 'unknown_field' };

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = Object.entries(error.constraints ?? {});
    // A missing field fails every rule of its own: one entry says it is missing instead of one per rule.
    const own =
      constraints.length > 0 && error.value === undefined && !('whitelistValidation' in (error.constraints ?? {}))
        ? [{ field, code: 'required', message: `${field} is required` }]
        : constraints.map(([name, message]) => ({ field, code: CONSTRAINT_CODES[name] ?? name, message }));
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

/**
 * Field problems as `details` lists them. Services describe theirs as `{ field, errors: [...] }` or already as
 * FieldErrors; this turns both into FieldErrors, with `fallbackCode` where a service gave none (`invalid`, or
 * `taken` for a 409 duplicate). Anything else is returned as it is.
 */
export function toFieldErrors(details: unknown, fallbackCode: string): unknown {
  if (!Array.isArray(details)) return details;
  type Item = { field: string; errors?: unknown; code?: unknown; message?: unknown };
  const isFieldItem = (item: unknown): item is Item =>
    typeof item === 'object' &&
    item !== null &&
    typeof (item as Item).field === 'string' &&
    (Array.isArray((item as Item).errors) ||
      (typeof (item as Item).code === 'string' && typeof (item as Item).message === 'string'));
  if (details.length === 0 || !details.every(isFieldItem)) return details;
  return details.flatMap((item): FieldError[] =>
    Array.isArray(item.errors)
      ? item.errors.map((message) => ({ field: item.field, code: fallbackCode, message: String(message) }))
      : [{ field: item.field, code: String(item.code), message: String(item.message) }],
  );
}
