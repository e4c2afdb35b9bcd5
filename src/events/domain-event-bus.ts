import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import type { DomainEventName, DomainEvents } from './domain-events.js';
import { DOMAIN_EVENT_LISTENER, type ListenerMetadata, type ListenerPhase } from './on-domain-event.decorator.js';

type Listener<E extends DomainEventName> = (payload: DomainEvents[E], manager: EntityManager) => Promise<void> | void;

/**
 * The in-process bus for domain events. Publishers name an event of the map and pass their transaction's
 * EntityManager; listeners, found at start-up by `@OnDomainEvent`, live in the feature that reacts, so a publisher
 * never imports its listeners.
 */
@Injectable()
export class DomainEventBus implements OnApplicationBootstrap {
  private readonly listeners = new Map<string, Listener<DomainEventName>[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly hooks: TransactionHooks,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || wrapper.isNotMetatype) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = instance[method];
        if (typeof handler !== 'function') continue;
        const meta = this.reflector.get<ListenerMetadata | undefined>(DOMAIN_EVENT_LISTENER, handler);
        if (meta) this.add(meta.event, meta.phase, (handler as Listener<DomainEventName>).bind(instance));
      }
    }
  }

  /** Runs the `transaction` listeners now, in `manager`'s transaction, and the `committed` ones after it commits. */
  async publish<E extends DomainEventName>(manager: EntityManager, event: E, payload: DomainEvents[E]): Promise<void> {
    for (const listener of this.listeners.get(key(event, 'transaction')) ?? []) await listener(payload, manager);
    const committed = this.listeners.get(key(event, 'committed')) ?? [];
    if (committed.length === 0) return;
    await this.hooks.afterCommit(manager, async () => {
      for (const listener of committed) await listener(payload, manager);
    });
  }

  /** For listeners that are not providers (and tests). */
  on<E extends DomainEventName>(event: E, phase: ListenerPhase, listener: Listener<E>): void {
    this.add(event, phase, listener as Listener<DomainEventName>);
  }

  private add(event: DomainEventName, phase: ListenerPhase, listener: Listener<DomainEventName>): void {
    const list = this.listeners.get(key(event, phase)) ?? [];
    list.push(listener);
    this.listeners.set(key(event, phase), list);
  }
}

const key = (event: string, phase: ListenerPhase) => `${phase}:${event}`;
