import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../common/request-context.js';
import type { Metrics } from '../metrics/metrics.js';

/** The route a request matched, as declared (`/api/v1/employees/:id`), so that ids do not multiply label values. */
export function routeTemplate(request: Request): string {
  const path: unknown = (request as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}

/**
 * Once each request has been answered: its duration into the HTTP histogram and, unless ACCESS_LOG=false, one
 * access-log line (method, route template, status, duration, request id, user id; never the body, the query or the
 * headers). Mounted right after the request-id middleware, so the line is written in the request's context.
 */
export function observeRequests(metrics: Metrics, accessLog: boolean) {
  const logger = new Logger('HTTP');
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    const context = requestContext.current();
    response.once('close', () => {
      const ms = performance.now() - started;
      const route = routeTemplate(request);
      const status = response.statusCode;
      metrics.httpRequestDuration.observe({ method: request.method, route, status: String(status) }, ms / 1000);
      if (!accessLog) return;
      const line = () =>
        logger.log(`${request.method} ${route} ${status} ${Math.round(ms)} ms`, {
          method: request.method,
          route,
          status,
          duration_ms: Math.round(ms * 10) / 10,
          request_id: context?.requestId,
          user_id: context?.userId ?? null,
        });
      if (context) requestContext.run(context, line);
      else line();
    });
    next();
  };
}
