import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArgumentsHost } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { GlobalExceptionFilter } from './global-exception.filter.js';

function render(exception: unknown): { status: number; body: Record<string, unknown> } {
  const sent = { status: 0, body: {} as Record<string, unknown> };
  const response = {
    headersSent: false,
    getHeader: () => 'trace-1',
    setHeader: () => undefined,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const request = { method: 'GET', originalUrl: '/api/v1/x', path: '/api/v1/x' };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }) };
  new GlobalExceptionFilter().catch(exception, host as unknown as ArgumentsHost);
  return sent;
}

const pgError = (code: string) =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error('from PostgreSQL'), { code }));

describe(GlobalExceptionFilter.name, () => {
  it('answers PostgreSQL errors caused by a value out of range or unstorable with 400, never 500', () => {
    for (const code of ['22003', '22008', '22007', '22009', '22001', '22021', '22P05', '22P02', '2201X', '54001']) {
      const sut = render(pgError(code));
      assert.equal(sut.status, 400, code);
      assert.match(String(sut.body.error), /^[a-z_]+$/, code);
      assert.equal(sut.body.trace_id, 'trace-1');
      assert.doesNotMatch(String(sut.body.message), /PostgreSQL/, 'the driver message stays inside');
    }
  });

  it('keeps answering other database errors with a 500 that hides the cause', () => {
    const sut = render(pgError('XX000'));
    assert.equal(sut.status, 500);
    assert.deepEqual(sut.body, {
      error: 'internal_error',
      message: 'An unexpected error occurred',
      trace_id: 'trace-1',
    });
  });
});
