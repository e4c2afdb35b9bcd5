import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthUser } from './auth-user.js';
import type { DevicePrincipal } from './device-principal.js';
import type { Permission } from './permissions.js';

export const ACCESS_METADATA = 'access';

/**
 * What a route needs: nothing (public), any logged-in caller, or any one of some permissions. `device` routes also
 * accept a camera's API key (`X-Api-Key`) instead of a user's token.
 */
export type AccessRule = { public: true } | { public: false; anyOf: Permission[]; device: boolean };

/** Who called a route that accepts both users and devices. */
export type Caller = { kind: 'user'; user: AuthUser } | { kind: 'device'; device: DevicePrincipal };

/** Open to anyone, no token needed. */
export const Public = () => SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessRule);

/**
 * Needs a valid access token and, when given, one of the permissions; with `device: true` a camera's API key is
 * accepted instead (the handler then reads `@CurrentCaller()`). Routes without `@Public()` or `@Authenticated()`
 * are refused by the access guard.
 */
export function Authenticated(options: { permission?: Permission | Permission[]; device?: boolean } = {}) {
  const anyOf = options.permission === undefined ? [] : [options.permission].flat();
  const device = options.device === true;
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { public: false, anyOf, device } satisfies AccessRule),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, expired or revoked access token' }),
    ...(anyOf.length > 0 ? [ApiForbiddenResponse({ description: `Needs ${anyOf.join(' or ')}` })] : []),
  );
}

/** The caller resolved by the access guard. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
  if (!request.user) throw new Error('CurrentUser used on a route without @Authenticated()');
  return request.user;
});

/** The user or device of a route declared with `@Authenticated({ device: true })`. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<Request & { user?: AuthUser; device?: DevicePrincipal }>();
  if (request.device) return { kind: 'device', device: request.device };
  if (request.user) return { kind: 'user', user: request.user };
  throw new Error('CurrentCaller used on a route without @Authenticated()');
});
