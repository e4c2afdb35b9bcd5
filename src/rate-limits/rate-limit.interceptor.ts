import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import type { AuthUser } from '../access/auth-user.js';
import { ACCESS_METADATA, type AccessRule } from '../access/authenticated.decorator.js';
import type { DevicePrincipal } from '../access/device-principal.js';
import { ApiError } from '../common/api-error.js';
import type { RateLimitCategory } from '../config/app-config.js';
import { RATE_LIMIT_METADATA, type RateLimitRule } from './rate-limit.decorator.js';
import { RateLimiter, type RateLimitState, type RateLimitSubject } from './rate-limiter.js';

type CallerRequest = Request & { user?: AuthUser; device?: DevicePrincipal };

/**
 * Counts every HTTP request against its route's category (after the access guard, so the caller is known) and
 * answers the `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers-06 fields); beyond the limit, 429
 * `rate_limited` with Retry-After. Public routes count per client address, others per user or camera key.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http' || !this.limiter.enabled) return next.handle();
    const category = this.categoryOf(context);
    if (!category) return next.handle();
    const request = context.switchToHttp().getRequest<CallerRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    try {
      const state = await this.limiter.consume(category, this.subjectOf(category, request));
      if (state) setHeaders(response, state);
    } catch (error) {
      const refused = isRefusal(error) ? error.details : undefined;
      if (refused) {
        const limit = { max: refused.limit, windowSeconds: refused.window_seconds };
        setHeaders(response, { limit, remaining: 0, resetSeconds: refused.retry_after });
      }
      throw error;
    }
    return next.handle();
  }

  private categoryOf(context: ExecutionContext): RateLimitCategory | null {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<RateLimitRule | undefined>(RATE_LIMIT_METADATA, targets);
    if (rule === 'none') return null;
    if (rule) return rule;
    const access = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, targets);
    return access?.public ? 'auth' : 'general';
  }

  private subjectOf(category: RateLimitCategory, request: CallerRequest): RateLimitSubject {
    const address = `address:${request.ip ?? 'unknown'}`;
    if (category !== 'auth' && request.device) {
      const { keyId, organizationId } = request.device;
      return { key: `camera-key:${keyId}`, organizationId, userId: null };
    }
    if (category !== 'auth' && request.user) {
      const { id, organizationId } = request.user;
      return { key: `user:${id}`, organizationId, userId: id };
    }
    return { key: address, organizationId: null, userId: null };
  }
}

interface RefusalDetails {
  retry_after: number;
  limit: number;
  window_seconds: number;
}

function isRefusal(error: unknown): error is ApiError & { details: RefusalDetails } {
  return error instanceof ApiError && error.code === 'rate_limited';
}

function setHeaders(response: Response, state: RateLimitState): void {
  if (response.headersSent) return;
  response.setHeader('RateLimit-Policy', `${state.limit.max};w=${state.limit.windowSeconds}`);
  response.setHeader('RateLimit-Limit', String(state.limit.max));
  response.setHeader('RateLimit-Remaining', String(state.remaining));
  response.setHeader('RateLimit-Reset', String(state.resetSeconds));
}
