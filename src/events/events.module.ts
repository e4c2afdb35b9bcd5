import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DomainEventBus } from './domain-event-bus.js';

/** Global: any feature may publish; listeners are found on every provider at start-up. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [DomainEventBus],
  exports: [DomainEventBus],
})
export class EventsModule {}
