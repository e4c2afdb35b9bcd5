import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Not, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { escapeLike } from '../common/escape-like.js';
import { PageOf } from '../common/pagination.js';
import {
  applyLocationInput,
  type CreateLocationDto,
  type LocationDto,
  type LocationQuery,
  toLocationDto,
  type UpdateLocationDto,
} from './location.dto.js';
import { Location } from './location.entity.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { orderQuery } from '../common/ordering.js';

@Injectable()
export class LocationsService {
  constructor(
    @InjectRepository(Location) private readonly locations: Repository<Location>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
  ) {}

  async list(caller: AuthUser, query: LocationQuery): Promise<PageOf<LocationDto>> {
    const builder = this.locations
      .createQueryBuilder('location')
      .where('location.organization_id = :organizationId', { organizationId: caller.organizationId });
    orderQuery(builder, query.ordering, { name: 'location.name', created_at: 'location.created_at' }, 'location.id');
    if (query.location_type) builder.andWhere('location.location_type = :type', { type: query.location_type });
    if (query.search) {
      builder.andWhere(
        '(location.name ILIKE :pattern OR location.building ILIKE :pattern OR location.area ILIKE :pattern)',
        {
          pattern: `%${escapeLike(query.search)}%`,
        },
      );
    }
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(rows.map(toLocationDto), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<LocationDto> {
    return toLocationDto(await findInOrganization(this.locations, caller.organizationId, id, 'Location'));
  }

  async create(caller: AuthUser, input: CreateLocationDto): Promise<LocationDto> {
    const location = applyLocationInput(
      Object.assign(new Location(), { organizationId: caller.organizationId }),
      input,
    );
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Location).save(location);
      const dto = toLocationDto(saved);
      await this.audit.record(
        { action: 'location.created', entityType: 'location', entityId: saved.id, newValues: dto },
        manager,
      );
      return dto;
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateLocationDto): Promise<LocationDto> {
    const location = await findInOrganization(this.locations, caller.organizationId, id, 'Location');
    const before = toLocationDto(location);
    applyLocationInput(location, input);
    return this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Location).save(location);
      await this.audit.record(
        { action: 'location.updated', entityType: 'location', entityId: id, oldValues: before, newValues: input },
        manager,
      );
      return toLocationDto(saved);
    });
  }

  async remove(caller: AuthUser, id: string): Promise<void> {
    const location = await findInOrganization(this.locations, caller.organizationId, id, 'Location');
    await this.dataSource.transaction(async (manager) => {
      // The cameras feature refuses (409) while cameras stand there; past sightings keep no location.
      await this.events.publish(manager, 'location.deleting', {
        organizationId: caller.organizationId,
        locationId: id,
      });
      await manager.getRepository(Location).delete({ id, organizationId: caller.organizationId });
      await this.audit.record(
        { action: 'location.deleted', entityType: 'location', entityId: id, oldValues: toLocationDto(location) },
        manager,
      );
    });
  }

  /** Whether the location exists in the organisation (for features that refer to locations). */
  existsInOrganization(organizationId: string, id: string): Promise<boolean> {
    return this.locations.existsBy({ id, organizationId });
  }

  /**
   * The organisation's geofenced location nearest to a point, with the distance in metres (haversine), or null
   * when no location has a geofence.
   */
  async nearestGeofence(
    organizationId: string,
    latitude: number,
    longitude: number,
  ): Promise<{ locationId: string; distanceM: number; radiusM: number } | null> {
    const fenced = await this.locations.find({ where: { organizationId, geofenceRadiusM: Not(IsNull()) } });
    let nearest: { locationId: string; distanceM: number; radiusM: number } | null = null;
    for (const location of fenced) {
      if (location.latitude === null || location.longitude === null) continue;
      const distanceM = metresBetween(latitude, longitude, location.latitude, location.longitude);
      if (!nearest || distanceM < nearest.distanceM) {
        nearest = { locationId: location.id, distanceM, radiusM: location.geofenceRadiusM! };
      }
    }
    return nearest;
  }
}

/** Great-circle distance in metres (haversine, mean Earth radius). */
export function metresBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = toRadians(lat2 - lat1);
  const dLon = toRadians(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(a));
}
