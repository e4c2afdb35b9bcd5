import { SetMetadata } from '@nestjs/common';
import type { DomainEventName } from './domain-events.js';

export const DOMAIN_EVENT_LISTENER = 'domain-event-listener';

/**
 * When a listener runs: `transaction` inside the publisher's transaction, with its EntityManager (its writes
 * commit or roll back with the change, and a failure undoes the change); `committed` once that transaction has
 * committed (side effects outside the database, never for a rolled-back change; must not query the database).
 */
export type ListenerPhase = 'transaction' | 'committed';

export interface ListenerMetadata {
  event: DomainEventName;
  phase: ListenerPhase;
}

/** Marks a provider method as a listener of a domain event; found at start-up by the DomainEventBus. */
export const OnDomainEvent = (event: DomainEventName, options: { phase: ListenerPhase }) =>
  SetMetadata(DOMAIN_EVENT_LISTENER, { event, phase: options.phase } satisfies ListenerMetadata);
