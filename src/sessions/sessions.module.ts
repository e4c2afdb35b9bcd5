import { Module } from '@nestjs/common';
import { AccessCache } from './access-cache.js';
import { AccessInvalidation } from './access-invalidation.js';

/**
 * The per-instance cache of access state and its invalidation across instances. It sits below users, roles,
 * organisations, auth and cameras: they announce changes here; auth (tokens) and cameras (device keys and the
 * camera settings frames need) read the cache.
 */
@Module({
  providers: [{ provide: AccessCache, useFactory: () => new AccessCache() }, AccessInvalidation],
  exports: [AccessCache, AccessInvalidation],
})
export class SessionsModule {}
