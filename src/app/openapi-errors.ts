import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_METADATA, type AccessRule } from '../access/authenticated.decorator.js';
import { API_ERRORS, type ErrorCodes, type ErrorStatus, mergeErrorCodes } from '../common/api-errors.decorator.js';
import { RATE_LIMIT_METADATA, type RateLimitRule } from '../rate-limits/rate-limit.decorator.js';

export const ERROR_SCHEMA = 'ErrorResponse';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponseObject = Extract<OperationObject['responses'][string], { description: string }>;
type ParameterObject = { in: string };

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is not valid (per-field problems in details)',
  401: 'Missing, expired or revoked credentials',
  403: 'The caller may not do this',
  404: 'Not found in the caller’s organisation',
  409: 'Conflicts with the current state or another record',
  413: 'Too large',
  415: 'Not a media type this route accepts',
  422: 'Understood but refused (the measured values and the requirement in details)',
  429: 'Too many requests; retry after the Retry-After header’s seconds',
  503: 'A dependency is down',
};

/** What a route's input can get wrong, whatever the route (src/common/validation.ts, global-exception.filter.ts). */
const INPUT_ERRORS: ErrorCodes = {
  400: [
    'validation_error',
    'bad_request',
    'too_deeply_nested',
    'value_out_of_range',
    'value_too_long',
    'request_too_complex',
  ],
};
const JSON_BODY_ERRORS: ErrorCodes = { 400: ['invalid_json'], 413: ['payload_too_large'] };
/** A body that is not JSON, a form or multipart (src/common/content-type.ts). */
const BODY_TYPE_ERRORS: ErrorCodes = { 415: ['unsupported_media_type'] };
/** What the access guard answers (src/auth/access.guard.ts, auth-user.resolver.ts, access-token-authenticator.ts). */
const TOKEN_ERRORS: ErrorCodes = {
  401: ['unauthorized', 'invalid_token', 'token_expired', 'session_ended', 'account_inactive', 'organization_inactive'],
  403: ['forbidden'],
};
const DEVICE_ERRORS: ErrorCodes = { 401: ['invalid_api_key'] };
/** A database unique or foreign-key violation on a write (global-exception.filter.ts). */
const WRITE_ERRORS: ErrorCodes = { 409: ['conflict'] };
const LOOKUP_ERRORS: ErrorCodes = { 404: ['not_found'] };
/** The database is not reachable now (global-exception.filter.ts): 503 with Retry-After. */
const DATABASE_ERRORS: ErrorCodes = { 503: ['database_unavailable'] };
/** Every route in a rate limit category (src/rate-limits): all but health probes and signed files. */
const RATE_LIMIT_ERRORS: ErrorCodes = { 429: ['rate_limited'] };

interface RouteFacts {
  access?: AccessRule;
  rateLimit?: RateLimitRule;
  errors: ErrorCodes;
}

/** Access rule and declared errors of every route handler, by operation id (the handler's method name). */
function routeFacts(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const controller of module.controllers.values()) {
      const type = controller.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const prototype = type.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        facts.set(name, {
          access:
            (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessRule | undefined) ??
            (Reflect.getMetadata(ACCESS_METADATA, type) as AccessRule | undefined),
          rateLimit:
            (Reflect.getMetadata(RATE_LIMIT_METADATA, handler) as RateLimitRule | undefined) ??
            (Reflect.getMetadata(RATE_LIMIT_METADATA, type) as RateLimitRule | undefined),
          errors: (Reflect.getMetadata(API_ERRORS, handler) as ErrorCodes | undefined) ?? {},
        });
      }
    }
  }
  return facts;
}

/** The codes an operation can answer: those implied by its access rule, parameters and body, plus its own. */
function errorsOf(method: string, operation: OperationObject, facts: RouteFacts | undefined): ErrorCodes {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const content = (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {};
  let errors: ErrorCodes = {};
  const add = (codes: ErrorCodes) => (errors = mergeErrorCodes(errors, codes));
  // Every route refuses what it does not read (unknown query or body properties, `__proto__` keys, deep nesting).
  add(INPUT_ERRORS);
  // Whatever the route reads, a body sent to it is parsed first: a body of another type or broken JSON is refused.
  if (method !== 'get' || content['application/json']) add(mergeErrorCodes(BODY_TYPE_ERRORS, JSON_BODY_ERRORS));
  if (parameters.some((parameter) => parameter.in === 'path')) add(LOOKUP_ERRORS);
  const access = facts?.access;
  if (access && facts?.rateLimit !== 'none') add(RATE_LIMIT_ERRORS);
  if (access && !access.public) {
    add(TOKEN_ERRORS);
    if (access.device) add(DEVICE_ERRORS);
    if (method !== 'get') add(WRITE_ERRORS);
  }
  return mergeErrorCodes(errors, facts?.errors ?? {});
}

function errorResponse(status: ErrorStatus, codes: readonly string[], description?: string): ResponseObject {
  return {
    description: description ?? DESCRIPTIONS[status],
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: `#/components/schemas/${ERROR_SCHEMA}` },
            { type: 'object', properties: { error: { type: 'string', enum: [...codes].sort() } } },
          ],
        },
      },
    },
  };
}

/**
 * Gives every operation its error responses in the one error shape, each with the enum of codes it can answer, and
 * public operations an explicit empty security list, device routes the camera key as an alternative to a token. A
 * description a route wrote itself is kept.
 */
export function describeErrors(app: INestApplication, document: OpenAPIObject): void {
  const facts = routeFacts(app);
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[ERROR_SCHEMA] = {
    type: 'object',
    required: ['error', 'message', 'trace_id'],
    properties: {
      error: { type: 'string', description: 'Stable machine-readable code', example: 'validation_error' },
      message: { type: 'string', description: 'A sentence for people (English)' },
      details: {
        description:
          'What went wrong in detail: for validation errors a list of { field, code, message }, for 409 in_use ' +
          '{ used_by, count }, for 413/422 the measured ' +
          'values and the limit, for 429 and 503 { retry_after } (rate_limited adds category, limit, window_seconds)',
      },
      trace_id: { type: 'string', description: 'The request id, also in the X-Request-Id header and the logs' },
    },
  };
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, OperationObject][]) {
      if (typeof operation !== 'object' || !operation.responses) continue;
      const route = facts.get(operation.operationId ?? '');
      // Every API route reads the database (the health probes answer their own 503).
      const database = path.startsWith('/api/') ? DATABASE_ERRORS : {};
      if (route?.access?.public) operation.security = [];
      if (route?.access && !route.access.public && route.access.device) {
        operation.security = [{ bearer: [] }, { camera_key: [] }];
      }
      for (const [status, codes] of Object.entries(mergeErrorCodes(errorsOf(method, operation, route), database))) {
        const existing = operation.responses[status] as ResponseObject | undefined;
        operation.responses[status] = errorResponse(Number(status) as ErrorStatus, codes, existing?.description);
      }
    }
  }
}
