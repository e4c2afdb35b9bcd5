import { type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { DeviceKeyVerifier, type DevicePrincipal } from '../access/device-principal.js';
import { ACCESS_METADATA, type AccessRule } from '../access/authenticated.decorator.js';
import { ApiError } from '../common/api-error.js';
import { requestContext } from '../common/request-context.js';

/**
 * The one global guard. A route is open only if it says so (`@Public()`); `@Authenticated()` routes need a
 * valid access token and one of their permissions, or, when they say `device: true`, a camera's `X-Api-Key`; a
 * route that declares neither is refused, and so is every handler outside HTTP (Socket.IO authenticates at the
 * handshake, in its gateway).
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // Sockets authenticate at the handshake (the gateway); no other entry point may pass through here.
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
    const apiKey = context.switchToHttp().getRequest<Request>().header('x-api-key');
    if (rule.device && apiKey !== undefined) return this.admitDevice(context, apiKey);
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

  /** A device route called with a camera key: the key must be live; permissions are a user's matter. */
  private async admitDevice(context: ExecutionContext, apiKey: string): Promise<boolean> {
    const verifier = this.moduleRef.get(DeviceKeyVerifier, { strict: false });
    const device = await verifier.verify(apiKey);
    if (!device) throw ApiError.unauthorized('invalid_api_key', 'The API key is not valid');
    context.switchToHttp().getRequest<Request & { device: DevicePrincipal }>().device = device;
    const store = requestContext.current();
    if (store) store.organizationId = device.organizationId;
    return true;
  }

  /** Passport's outcome: the authenticator's error as it is (token_expired, invalid_token, …), or no token at all. */
  override handleRequest<TUser>(error: unknown, user: TUser): TUser {
    if (error instanceof Error) throw error;
    if (error) throw new Error('Authentication failed');
    if (!user) throw ApiError.unauthorized('unauthorized', 'A bearer access token is required');
    return user;
  }
}
