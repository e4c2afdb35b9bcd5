import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository, type SelectQueryBuilder } from 'typeorm';
import { PageOf } from '../common/pagination.js';
import { bytesToEmbedding } from '../faces/face-template.entity.js';
import type { PresenceEventOrdering, PresenceEventQuery } from './presence-event.dto.js';
import { PresenceEvent } from './presence-event.entity.js';

/** A time window [from, to] that an event's [occurred_at, last_seen_at] must overlap. */
export interface Window {
  from: Date;
  to: Date;
}

export interface UnknownCandidate {
  id: string;
  embedding: Float32Array;
}

/** Most recent unknown faces of a camera compared with a new one; a crowd larger than this within the window may split. */
const UNKNOWN_CANDIDATES = 500;

const ORDER_COLUMNS: Record<string, string> = {
  occurred_at: 'event.occurred_at',
  last_seen_at: 'event.last_seen_at',
  similarity: 'event.similarity',
  seen_count: 'event.seen_count',
};

/** A transaction-scoped advisory lock key (bigint) for a name, from its SHA-256. */
function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

/** PostgreSQL's GREATEST: the larger value, nulls left out. */
function greatest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

/** SQL of presence events. Reads outside a transaction are scoped to one organisation. */
@Injectable()
export class PresenceEventsRepository {
  constructor(@InjectRepository(PresenceEvent) private readonly events: Repository<PresenceEvent>) {}

  /**
   * Takes transaction-scoped advisory locks on the names (a camera, the people of a frame), always in the same
   * order so two frames never wait for each other in a circle. Held until the transaction ends.
   */
  async lock(manager: EntityManager, names: string[]): Promise<void> {
    const keys = [...new Set(names.map(lockKey))].sort();
    if (keys.length === 0) return;
    // One round trip; unnest yields the keys in the array's order, and the locks are taken in that order.
    await manager.query('SELECT count(pg_advisory_xact_lock(key)) FROM unnest($1::bigint[]) AS key', [keys]);
  }

  /** The person's latest event at the camera overlapping the window (live or spoofed alike), locked for update. */
  latestOfPerson(
    manager: EntityManager,
    cameraId: string,
    employeeId: string,
    spoofed: boolean,
    window: Window,
  ): Promise<PresenceEvent | null> {
    return this.recent(manager, cameraId, spoofed, window)
      .andWhere('event.employee_id = :employeeId AND NOT event.is_unknown_face', { employeeId })
      .orderBy('event.last_seen_at', 'DESC')
      .limit(1)
      .setLock('pessimistic_write')
      .getOne();
  }

  /** The camera's unknown faces overlapping the window, newest first, with their embeddings. */
  async recentUnknown(
    manager: EntityManager,
    cameraId: string,
    spoofed: boolean,
    window: Window,
  ): Promise<UnknownCandidate[]> {
    const rows = await this.recent(manager, cameraId, spoofed, window)
      .andWhere('event.is_unknown_face AND event.employee_id IS NULL AND event.unknown_embedding IS NOT NULL')
      .select('event.id', 'id')
      .addSelect(`encode(event.unknown_embedding, 'base64')`, 'embedding')
      .orderBy('event.last_seen_at', 'DESC')
      .limit(UNKNOWN_CANDIDATES)
      .getRawMany<{ id: string; embedding: string }>();
    return rows.map((row) => ({ id: row.id, embedding: bytesToEmbedding(Buffer.from(row.embedding, 'base64')) }));
  }

  /** Whether the person was seen at a location other than `locationId` during the window. */
  seenElsewhere(
    manager: EntityManager,
    organizationId: string,
    employeeId: string,
    locationId: string,
    window: Window,
  ): Promise<boolean> {
    return manager
      .getRepository(PresenceEvent)
      .createQueryBuilder('event')
      .where('event.employee_id = :employeeId AND event.organization_id = :organizationId', {
        employeeId,
        organizationId,
      })
      .andWhere('event.location_id IS NOT NULL AND event.location_id <> :locationId', { locationId })
      .andWhere('event.last_seen_at >= :from AND event.occurred_at <= :to', window)
      .getExists();
  }

  /** Counts one more sighting of an event at `seenAt`, keeping the best similarity and confidence. */
  async addSighting(
    manager: EntityManager,
    earlier: string | PresenceEvent,
    seenAt: Date,
    similarity: number | null,
    confidence: number | null,
  ): Promise<PresenceEvent> {
    const id = typeof earlier === 'string' ? earlier : earlier.id;
    await manager.query(
      `UPDATE presence_events SET last_seen_at = GREATEST(last_seen_at, $2), seen_count = seen_count + 1,
         similarity = GREATEST(similarity, $3), confidence = GREATEST(confidence, $4), updated_at = now()
       WHERE id = $1`,
      [id, seenAt, similarity, confidence],
    );
    if (typeof earlier === 'string') return manager.getRepository(PresenceEvent).findOneByOrFail({ id });
    // The row was read FOR UPDATE in this transaction: its new values follow from the old ones, as the UPDATE set them.
    return Object.assign(earlier, {
      lastSeenAt: seenAt > earlier.lastSeenAt ? seenAt : earlier.lastSeenAt,
      seenCount: earlier.seenCount + 1,
      similarity: greatest(earlier.similarity, similarity),
      confidence: greatest(earlier.confidence, confidence),
      updatedAt: new Date(),
    });
  }

  /** One page of the organisation's events matching the filters, in the asked order. */
  findPage(organizationId: string, query: PresenceEventQuery): Promise<[PresenceEvent[], number]> {
    const builder = this.events.createQueryBuilder('event').where('event.organization_id = :organizationId', {
      organizationId,
    });
    if (query.camera_id) builder.andWhere('event.camera_id = :cameraId', { cameraId: query.camera_id });
    if (query.employee_id) builder.andWhere('event.employee_id = :employeeId', { employeeId: query.employee_id });
    if (query.location_id) builder.andWhere('event.location_id = :locationId', { locationId: query.location_id });
    if (query.is_unknown_face !== undefined) {
      builder.andWhere('event.is_unknown_face = :unknown', { unknown: query.is_unknown_face });
    }
    if (query.is_anomaly !== undefined) builder.andWhere('event.is_anomaly = :anomaly', { anomaly: query.is_anomaly });
    if (query.review_status) builder.andWhere('event.review_status = :status', { status: query.review_status });
    if (query.date_from) builder.andWhere('event.occurred_at >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('event.occurred_at <= :to', { to: query.date_to });
    this.order(builder, query.ordering);
    const { skip, take } = PageOf.skipTake(query);
    return builder.skip(skip).take(take).getManyAndCount();
  }

  /** The person's events seen in [from, to), oldest first (at most `limit`). */
  ofPersonBetween(organizationId: string, employeeId: string, from: Date, to: Date, limit: number) {
    return this.events
      .createQueryBuilder('event')
      .where('event.organization_id = :organizationId AND event.employee_id = :employeeId', {
        organizationId,
        employeeId,
      })
      .andWhere('event.last_seen_at >= :from AND event.occurred_at < :to', { from, to })
      .orderBy('event.occurred_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  findInOrganization(organizationId: string, id: string): Promise<PresenceEvent | null> {
    return this.events.findOneBy({ id, organizationId });
  }

  /** Locks the event for a review in `manager`'s transaction; null when it is not the organisation's. */
  lockInOrganization(manager: EntityManager, organizationId: string, id: string): Promise<PresenceEvent | null> {
    return manager.getRepository(PresenceEvent).findOne({
      where: { id, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Every event of a person with a snapshot, for erasing the snapshots with the person. */
  /** Unknown-face events (no person) of the organisation last seen before `before` that still have a snapshot. */
  unknownWithSnapshotsBefore(manager: EntityManager, organizationId: string, before: Date): Promise<PresenceEvent[]> {
    return manager
      .getRepository(PresenceEvent)
      .createQueryBuilder('event')
      .select(['event.id', 'event.snapshotFileId', 'event.snapshotThumbnailId'])
      .where('event.organization_id = :organizationId AND event.employee_id IS NULL', { organizationId })
      .andWhere('event.last_seen_at < :before', { before })
      .andWhere('(event.snapshot_file_id IS NOT NULL OR event.snapshot_thumbnail_id IS NOT NULL)')
      .getMany();
  }

  withSnapshotsOf(manager: EntityManager, organizationId: string, employeeId: string): Promise<PresenceEvent[]> {
    return manager
      .getRepository(PresenceEvent)
      .createQueryBuilder('event')
      .where('event.organization_id = :organizationId AND event.employee_id = :employeeId', {
        organizationId,
        employeeId,
      })
      .andWhere('(event.snapshot_file_id IS NOT NULL OR event.snapshot_thumbnail_id IS NOT NULL)')
      .getMany();
  }

  private recent(
    manager: EntityManager,
    cameraId: string,
    spoofed: boolean,
    window: Window,
  ): SelectQueryBuilder<PresenceEvent> {
    return manager
      .getRepository(PresenceEvent)
      .createQueryBuilder('event')
      .where('event.camera_id = :cameraId', { cameraId })
      .andWhere('(event.liveness_passed IS NOT DISTINCT FROM false) = :spoofed', { spoofed })
      .andWhere('event.last_seen_at >= :from AND event.occurred_at <= :to', window);
  }

  private order(builder: SelectQueryBuilder<PresenceEvent>, ordering: PresenceEventOrdering): void {
    const descending = ordering.startsWith('-');
    const column = ORDER_COLUMNS[descending ? ordering.slice(1) : ordering];
    builder
      .orderBy(column, descending ? 'DESC' : 'ASC', descending ? 'NULLS LAST' : 'NULLS FIRST')
      .addOrderBy('event.id', descending ? 'DESC' : 'ASC');
  }
}
