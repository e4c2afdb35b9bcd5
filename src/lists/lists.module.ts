import { Module } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import { ListCache } from './list-cache.js';
import { ListInvalidation } from './list-invalidation.js';

/**
 * The per-instance cache of list pages and its invalidation across instances. It sits below the modules whose
 * lists it keeps (people, departments): they read through the cache and name the entities their lists show.
 */
@Module({
  providers: [
    {
      provide: ListCache,
      useFactory: (metrics: Metrics) => new ListCache((source) => metrics.listPages.inc({ source })),
      inject: [Metrics],
    },
    ListInvalidation,
  ],
  exports: [ListCache, ListInvalidation],
})
export class ListsModule {}
