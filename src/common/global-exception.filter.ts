import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { requestContext } from './request-context.js';
import { toFieldErrors } from './validation.js';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
  trace_id: string;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';
const PG_NOT_NULL_VIOLATION = '23502';

/**
 * PostgreSQL errors caused by a value the caller sent that the validation let through: the caller can fix them,
 * so they answer 400, never 500. The checks at the edge (page and date ranges, NUL characters) should stop these
 * first; this is the net behind them.
 */
const PG_BAD_VALUE = new Map<string, { error: string; message: string }>(
  Object.entries({
    '22P02': { error: 'bad_request', message: 'A value has the wrong format' },
    '22007': { error: 'bad_request', message: 'A date or time has the wrong format' },
    '22008': { error: 'value_out_of_range', message: 'A date or time is outside the range the database holds' },
    '22009': { error: 'value_out_of_range', message: 'A date or time is outside the range the database holds' },
    '22003': { error: 'value_out_of_range', message: 'A number is outside the range the database holds' },
    '2201W': { error: 'value_out_of_range', message: 'A page size is outside the range the database holds' },
    '2201X': { error: 'value_out_of_range', message: 'A page number is outside the range the database holds' },
    '22001': { error: 'value_too_long', message: 'A text value is longer than the database holds' },
    '22021': { error: 'bad_request', message: 'A text value contains characters the database cannot hold' },
    '22P05': { error: 'bad_request', message: 'A text value contains characters the database cannot hold' },
    '54001': { error: 'request_too_complex', message: 'The request is too complex for the database' },
  }),
);

/**
 * Errors of a database that is not there (stopped, restarting, unreachable): PostgreSQL's connection exception and
 * operator intervention classes (08, 57P0x) and the socket errors of the driver. The request could not be served
 * now and may be sent again: 503 with Retry-After, whichever query met them.
 */
const DB_UNAVAILABLE_CODES = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);
const DB_UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|Client has encountered a connection error/i;
/** Seconds a client is asked to wait before sending again while the database is away. */
export const DB_UNAVAILABLE_RETRY_SECONDS = 5;

/** Whether an error says the database is not reachable now (rather than that a query was wrong). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const errors = [error, (error as { driverError?: unknown } | null)?.driverError];
  return errors.some((each) => {
    if (!(each instanceof Error)) return false;
    const code = (each as { code?: unknown }).code;
    return (typeof code === 'string' && DB_UNAVAILABLE_CODES.has(code)) || DB_UNAVAILABLE_MESSAGES.test(each.message);
  });
}

/** Renders every error as `{ error, message, details?, trace_id }`; unexpected errors are logged, never exposed. */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.render(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Answers the request with the error; also called by the Express handlers behind every route (create-app). */
  render(exception: unknown, request: Request, response: Response): void {
    const traceId = requestContext.current()?.requestId ?? String(response.getHeader('X-Request-Id') ?? 'unknown');
    const { status, body } = this.describe(exception, traceId, request);
    if (status >= 500 && status !== (HttpStatus.SERVICE_UNAVAILABLE as number)) {
      this.logger.error(
        `${request.method} ${request.originalUrl} failed [trace_id=${traceId}]`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (response.headersSent) return;
    const retryAfter = (body.details as { retry_after?: unknown } | undefined)?.retry_after;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number') {
      response.setHeader('Retry-After', String(retryAfter));
    }
    response.status(status).json(body);
  }

  private describe(exception: unknown, traceId: string, request: Request): { status: number; body: ErrorBody } {
    if (exception instanceof HttpException && exception.cause instanceof SyntaxError) {
      return this.plain(HttpStatus.BAD_REQUEST, 'invalid_json', 'The request body is not valid JSON', traceId);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const payload = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
      const code = typeof payload.error === 'string' && /^[a-z_]+$/.test(payload.error) ? payload.error : undefined;
      const message = typeof payload.message === 'string' ? payload.message : exception.message;
      const body: ErrorBody = {
        error: code ?? DEFAULT_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'),
        message: status === 404 && !code ? `Cannot ${request.method} ${request.path}` : message,
        trace_id: traceId,
      };
      if (payload.details !== undefined)
        body.details = toFieldErrors(payload.details, status === 409 ? 'taken' : 'invalid');
      return { status, body };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          error: 'database_unavailable',
          message: 'The database is not reachable at the moment; send the request again shortly',
          details: { retry_after: DB_UNAVAILABLE_RETRY_SECONDS },
          trace_id: traceId,
        },
      };
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      if (code === PG_UNIQUE_VIOLATION) {
        return this.plain(HttpStatus.CONFLICT, 'conflict', 'A record with these values already exists', traceId);
      }
      if (code === PG_FOREIGN_KEY_VIOLATION) {
        return this.plain(
          HttpStatus.CONFLICT,
          'conflict',
          'The record is referenced by or refers to another record',
          traceId,
        );
      }
      if (code === PG_NOT_NULL_VIOLATION) {
        const field = (exception.driverError as { column?: string }).column ?? 'unknown';
        return {
          status: HttpStatus.BAD_REQUEST,
          body: {
            error: 'validation_error',
            message: 'The request is not valid',
            details: [{ field, code: 'required', message: `${field} must not be null` }],
            trace_id: traceId,
          },
        };
      }
      const badValue = code === undefined ? undefined : PG_BAD_VALUE.get(code);
      if (badValue) return this.plain(HttpStatus.BAD_REQUEST, badValue.error, badValue.message, traceId);
    }
    return this.plain(HttpStatus.INTERNAL_SERVER_ERROR, 'internal_error', 'An unexpected error occurred', traceId);
  }

  private plain(status: number, error: string, message: string, traceId: string) {
    return { status, body: { error, message, trace_id: traceId } };
  }
}
