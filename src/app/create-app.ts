import { type INestApplication, type LogLevel, NotFoundException, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { contentTypeMiddleware } from '../common/content-type.js';
import { GlobalExceptionFilter } from '../common/global-exception.filter.js';
import { answerMalformedRequestsInJson } from '../common/malformed-request.js';
import { requestIdMiddleware } from '../common/request-id.middleware.js';
import { untrustedInputMiddleware } from '../common/untrusted-input.js';
import type { AppConfig } from '../config/app-config.js';
import { observeRequests } from '../logging/access-log.js';
import { AppLogger } from '../logging/app-logger.js';
import { Metrics } from '../metrics/metrics.js';
import { serveDashboard } from '../live/dashboard.js';
import { LiveSocketAdapter } from '../live/live-socket-adapter.js';
import { serveKiosk } from '../visitors/kiosk.js';
import { AppModule } from './app.module.js';
import { trackRequests } from './graceful-shutdown.js';
import { setUpOpenApi } from './openapi.js';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds the whole HTTP application; `main.ts`, `worker.ts` (which never listens) and the end-to-end tests use it.
 * Signals are the entry points' business (`exitOnSignals`), so that a stop is graceful and bounded in time.
 */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    logger: new AppLogger(config.logs.format, LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.logLevel) + 1)),
    bodyParser: false,
  });
  // X-Forwarded-For is believed only from proxies the deployment names: otherwise any client could pick the
  // address that login throttling and the audit trail see.
  app.set('trust proxy', config.trustProxy);
  app.use(requestIdMiddleware);
  app.use(observeRequests(app.get(Metrics), config.logs.accessLog));
  trackRequests(app);
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: { policy: 'same-site' } }));
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  app.use(untrustedInputMiddleware);
  app.enableCors({
    origin: config.cors.origin,
    credentials: config.cors.credentials,
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Policy',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
  });
  // After CORS, so that a browser on an allowed origin can read the 415.
  app.use(contentTypeMiddleware);
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'healthz', method: RequestMethod.GET },
      { path: 'readyz', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useWebSocketAdapter(new LiveSocketAdapter(app, config));
  serveDashboard(app);
  serveKiosk(app);
  setUpOpenApi(app);
  await app.init();
  answerErrorsInJsonEverywhere(app);
  return app;
}

/**
 * Nest answers unknown paths in JSON only under the global prefix: `/nope`, or a method no route takes outside
 * `/api/v1`, fell through to Express's final handler, which answers in HTML. These two handlers come after
 * every route and middleware (hence after `init`), so whatever is left is answered in the one error shape.
 */
function answerErrorsInJsonEverywhere(app: NestExpressApplication): void {
  const errors = new GlobalExceptionFilter();
  app.use((request: Request, response: Response) => errors.render(new NotFoundException(), request, response));
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) =>
    errors.render(error, request, response),
  );
  answerMalformedRequestsInJson(app.getHttpServer());
}
