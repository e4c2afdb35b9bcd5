import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { DomainEvents } from '../events/domain-events.js';
import { OnDomainEvent } from '../events/on-domain-event.decorator.js';
import { Camera } from './camera.entity.js';

/** A location stays while cameras stand there: its deletion is refused with 409 `in_use` until they are moved. */
@Injectable()
export class CamerasInUseListener {
  @OnDomainEvent('location.deleting', { phase: 'transaction' })
  async refuseLocationInUse(event: DomainEvents['location.deleting'], manager: EntityManager): Promise<void> {
    const cameras = await manager
      .getRepository(Camera)
      .countBy({ organizationId: event.organizationId, locationId: event.locationId });
    if (cameras > 0) throw ApiError.inUse('location', 'cameras', cameras);
  }
}
