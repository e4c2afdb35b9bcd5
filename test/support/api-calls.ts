import assert from 'node:assert/strict';
import type { Response } from 'supertest';
import { bearer, type Session } from './api-client.js';
import type { TestApp } from './test-app.js';

export type Json = Record<string, unknown>;
export type Method = 'get' | 'post' | 'patch' | 'delete';

/** `send(session, method, '/path', body?, headers?)` against /api/v1 of the app the getter returns. */
export function apiCalls(getApp: () => TestApp) {
  return {
    send(session: Session, method: Method, path: string, body?: object, headers: Record<string, string> = {}) {
      const request = getApp().http()[method](`/api/v1${path}`).set(bearer(session)).set(headers);
      return body === undefined ? request : request.send(body);
    },
  };
}

export function expectStatus(response: Response, status: number, what = ''): Json {
  assert.equal(response.status, status, `${what} ${response.status}: ${JSON.stringify(response.body)}`.trim());
  return response.body as Json;
}

/**
 * Asserts the error shape and returns the sorted fields named in `details` (each once). Field details always
 * carry a machine `code` and a `message` beside the field.
 */
export function expectError(response: Response, status: number, error: string, what = ''): string[] {
  const body = expectStatus(response, status, what);
  assert.equal(body.error, error, what);
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.trace_id, 'string');
  const details = (Array.isArray(body.details) ? body.details : []) as {
    field: string;
    code: unknown;
    message: unknown;
  }[];
  for (const detail of details) {
    assert.match(String(detail.code), /^[a-zA-Z_]+$/, `${what} code of ${JSON.stringify(detail)}`);
    assert.equal(typeof detail.message, 'string', `${what} message of ${JSON.stringify(detail)}`);
  }
  return [...new Set(details.map((detail) => detail.field))].sort();
}

/** Asserts a 400 validation error and returns the sorted fields it names. */
export function expectInvalidFields(response: Response, what = ''): string[] {
  return expectError(response, 400, 'validation_error', what);
}
