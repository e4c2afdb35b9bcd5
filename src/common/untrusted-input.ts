import { HttpStatus } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';
import type { FieldError } from './validation.js';

/**
 * Deepest nesting accepted in a body or query. Our deepest DTO is two levels and free-form `metadata` objects
 * have no reason to go further than a handful; class-transformer recurses once per level and overflows the
 * stack near 2,000, so the limit sits far below that.
 */
export const MAX_INPUT_DEPTH = 32;

/**
 * Keys refused anywhere in the input: `__proto__` sets an object's prototype when copied with `obj[key] = …`,
 * and `constructor`/`prototype` are the path prototype-pollution gadgets walk (`constructor.prototype.x`). No
 * field of the API has these names, so refusing them costs nothing.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** At most this many fields are listed in `details`; one is enough to fix the request, a flood helps nobody. */
const MAX_LISTED_FIELDS = 20;

/**
 * Checks parsed input (a JSON, form or multipart body, a query, route params) without recursion: nesting over
 * MAX_INPUT_DEPTH is refused as `too_deeply_nested`; NUL characters (PostgreSQL text cannot hold them) and
 * reserved keys as `validation_error` naming each field. Throws ApiError, returns nothing when the input is fine.
 */
export function assertSafeInput(input: unknown, root = ''): void {
  const problems = new Map<string, FieldError[]>();
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        note(problems, path, 'nul_character', `${path || 'value'} must not contain NUL characters`);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'too_deeply_nested',
        `The request nests objects or arrays more than ${MAX_INPUT_DEPTH} levels deep`,
        { field: path, max_depth: MAX_INPUT_DEPTH },
      );
    }
    // Reversed so that fields come off the stack, and into `details`, in the order they were sent.
    for (const key of Object.keys(value).reverse()) {
      const shown = key.replaceAll('\u0000', '\\u0000');
      const child = Array.isArray(value) ? `${path}[${shown}]` : path ? `${path}.${shown}` : shown;
      if (RESERVED_KEYS.has(key)) note(problems, child, 'reserved_key', `${key} is not an allowed field name`);
      else if (key !== shown) note(problems, child, 'nul_character', 'field names must not contain NUL characters');
      stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  if (problems.size > 0) {
    const details: FieldError[] = [...problems.values()].slice(0, MAX_LISTED_FIELDS).flat();
    throw new ApiError(HttpStatus.BAD_REQUEST, 'validation_error', 'The request is not valid', details);
  }
}

function note(problems: Map<string, FieldError[]>, field: string, code: string, message: string): void {
  const errors = problems.get(field);
  if (errors) errors.push({ field, code, message });
  else problems.set(field, [{ field, code, message }]);
}

/**
 * Checks the body the JSON and form parsers produced, and the query string, of every request right after
 * parsing: before guards or handlers touch them, and on routes that have no DTO. Multipart bodies are parsed
 * later (by the upload interceptor) and route params are known only once a route matched: the global
 * validation pipe checks those with the same function.
 */
export function untrustedInputMiddleware(req: Request, _res: Response, next: NextFunction): void {
  try {
    assertSafeInput(req.query);
    assertSafeInput(req.body);
    next();
  } catch (error) {
    next(error);
  }
}
