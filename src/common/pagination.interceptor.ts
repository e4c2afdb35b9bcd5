import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, type Observable } from 'rxjs';
import { PageOf, toPage } from './pagination.js';

/** Turns a `PageOf` returned by a handler into `{ count, next, previous, results }` with links (plus its `extra`). */
@Injectable()
export class PaginationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    return next
      .handle()
      .pipe(map((value: unknown) => (value instanceof PageOf ? toPage(request.originalUrl, value) : value)));
  }
}
