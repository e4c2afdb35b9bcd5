import type { Server } from 'node:http';
import { HttpStatus, type INestApplication, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiError } from '../common/api-error.js';
import { GlobalExceptionFilter } from '../common/global-exception.filter.js';

/** Requests in flight, and whether the app has begun to stop. */
class RequestDrain {
  stopping = false;
  private active = 0;
  private idle: (() => void)[] = [];

  started(): void {
    this.active += 1;
  }

  ended(): void {
    this.active -= 1;
    if (this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Resolves once no request is in flight. */
  settled(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}

const drains = new WeakMap<INestApplication, RequestDrain>();

/**
 * Counts the app's requests in flight and, once the app is stopping, answers every new one 503 (`shutting_down`,
 * `Connection: close`), so a load balancer moves on while the requests already running finish.
 */
export function trackRequests(app: INestApplication): void {
  const drain = new RequestDrain();
  drains.set(app, drain);
  const errors = new GlobalExceptionFilter();
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (drain.stopping) {
      response.setHeader('Connection', 'close');
      errors.render(
        new ApiError(
          HttpStatus.SERVICE_UNAVAILABLE,
          'shutting_down',
          'The service is stopping; send the request again',
        ),
        request,
        response,
      );
      return;
    }
    drain.started();
    response.once('close', () => drain.ended());
    next();
  });
}

/**
 * Stops the app in order: take no new connection or request, let the requests in flight finish (their inferences,
 * and the jobs they wait for, still run), then close it, which stops the job workers after their running jobs
 * (`beforeApplicationShutdown`), closes the sockets and, last, the database. Resolves false when it did not finish
 * within `timeoutMs` (the caller exits anyway; a job cut short runs again on another worker).
 */
export async function stopGracefully(app: INestApplication, timeoutMs: number): Promise<boolean> {
  const logger = new Logger('Shutdown');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const stop = async (): Promise<true> => {
    const drain = drains.get(app);
    if (drain) drain.stopping = true;
    const server = app.getHttpServer() as Server;
    const closed = server.listening ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
    await drain?.settled();
    server.closeIdleConnections();
    await app.close();
    await closed;
    return true;
  };
  const stopped = await Promise.race([stop(), timedOut]).finally(() => clearTimeout(timer));
  if (!stopped) logger.error(`Not stopped within SHUTDOWN_TIMEOUT_MS (${timeoutMs} ms)`);
  return stopped;
}

/**
 * On SIGTERM or SIGINT, stops the app gracefully and exits: 0 once everything finished, 1 when it took longer
 * than `timeoutMs` or failed. A second signal while stopping changes nothing.
 */
export function exitOnSignals(app: INestApplication, timeoutMs: number): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      Logger.log(`${signal}: stopping (at most ${timeoutMs} ms)`, 'Shutdown');
      stopGracefully(app, timeoutMs).then(
        (clean) => process.exit(clean ? 0 : 1),
        (error: unknown) => {
          Logger.error(`Stopping failed: ${error instanceof Error ? error.message : String(error)}`, 'Shutdown');
          process.exit(1);
        },
      );
    });
  }
}
