import { Module } from '@nestjs/common';
import { AccessCache } from './access-cache.js';
import { AccessInvalidation } from './access-invalidation.js';

/**
 * The per-instance cache of access state and its invalidation across instances. It sits below users, roles,
 * organisations and auth: they announce changes here; only auth reads the cache.
 */
@Module({
  providers: [{ provide: AccessCache, useFactory: () => new AccessCache() }, AccessInvalidation],
  exports: [AccessCache, AccessInvalidation],
})
export class SessionsModule {}
