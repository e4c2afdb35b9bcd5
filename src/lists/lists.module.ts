import { Module } from '@nestjs/common';
import { ListCache } from './list-cache.js';
import { ListInvalidation } from './list-invalidation.js';

/**
 * The per-instance cache of list pages and its invalidation across instances. It sits below the modules whose
 * lists it keeps (people, departments): they read through the cache and name the entities their lists show.
 */
@Module({
  providers: [{ provide: ListCache, useFactory: () => new ListCache() }, ListInvalidation],
  exports: [ListCache, ListInvalidation],
})
export class ListsModule {}
