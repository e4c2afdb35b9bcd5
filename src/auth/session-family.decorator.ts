import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The refresh-token family (login) of the caller's access token, read from its verified payload. */
export const SessionFamily = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined => {
  const request = context.switchToHttp().getRequest<Request & { sessionFamily?: string }>();
  return request.sessionFamily;
});
