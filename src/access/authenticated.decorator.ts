import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { AuthUser } from './auth-user.js';
import type { Permission } from './permissions.js';

export const ACCESS_METADATA = 'access';

/** What a route needs: nothing (public), any logged-in caller, or any one of some permissions. */
export type AccessRule = { public: true } | { public: false; anyOf: Permission[] };

/** Open to anyone, no token needed. */
export const Public = () => SetMetadata(ACCESS_METADATA, { public: true } satisfies AccessRule);

/**
 * Needs a valid access token and, when given, one of the permissions. Routes without `@Public()` or
 * `@Authenticated()` are refused by the access guard.
 */
export function Authenticated(options: { permission?: Permission | Permission[] } = {}) {
  const anyOf = options.permission === undefined ? [] : [options.permission].flat();
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { public: false, anyOf } satisfies AccessRule),
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
