import { type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { ACCESS_METADATA, type AccessRule } from '../access/authenticated.decorator.js';
import { ApiError } from '../common/api-error.js';
import { requestContext } from '../common/request-context.js';

/**
 * The one global guard. A route is open only if it says so (`@Public()`); `@Authenticated()` routes need a
 * valid access token and one of their permissions; a route that declares neither is refused, and so is every
 * handler outside HTTP (Socket.IO, RPC) until it has its own authentication.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // No socket or RPC entry point exists yet: until one authenticates its own way, every other context is refused.
    if (context.getType() !== 'http') return false;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.public) return true;
    if (!rule) {
      const request = context.switchToHttp().getRequest<Request>();
      this.logger.warn(`Route ${request.method} ${request.path} declares no access rule: refused`);
      throw ApiError.forbidden('This route is not open');
    }
    await super.canActivate(context);
    const request = context.switchToHttp().getRequest<Request & { user: AuthUser }>();
    const user = request.user;
    const store = requestContext.current();
    if (store) {
      store.userId = user.id;
      store.organizationId = user.organizationId;
    }
    if (rule.anyOf.length > 0 && !rule.anyOf.some((permission) => user.permissions.has(permission))) {
      throw ApiError.forbidden(`This needs the permission ${rule.anyOf.join(' or ')}`);
    }
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new Error('Authentication failed');
    if (!user) {
      const reason = info instanceof Error ? info.name : '';
      if (reason === 'TokenExpiredError') throw ApiError.unauthorized('token_expired', 'The access token has expired');
      if (reason === 'JsonWebTokenError') throw ApiError.unauthorized('invalid_token', 'The access token is not valid');
      throw ApiError.unauthorized('unauthorized', 'A bearer access token is required');
    }
    return user;
  }
}
