import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { escapeLike } from '../common/escape-like.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { PageOf } from '../common/pagination.js';
import type { VisitorQuery } from './visitor.dto.js';
import { Visitor } from './visitor.entity.js';
import { VisitorFace } from './visitor-face.entity.js';
import { orderQuery } from '../common/ordering.js';

/** SQL of the visitors feature. Every method is scoped to one organisation. */
@Injectable()
export class VisitorsRepository {
  constructor(
    @InjectRepository(Visitor) private readonly visitors: Repository<Visitor>,
    @InjectRepository(VisitorFace) private readonly faces: Repository<VisitorFace>,
  ) {}

  findInOrganization(organizationId: string, id: string): Promise<Visitor> {
    return findInOrganization(this.visitors, organizationId, id, 'Visitor');
  }

  findByIdNumberHash(organizationId: string, idNumberHash: string, manager?: EntityManager): Promise<Visitor | null> {
    return (manager ? manager.getRepository(Visitor) : this.visitors).findOneBy({ organizationId, idNumberHash });
  }

  /** Locks the visitor's row until the caller's transaction ends; null when it is gone. */
  lockInOrganization(manager: EntityManager, organizationId: string, id: string): Promise<Visitor | null> {
    return manager
      .getRepository(Visitor)
      .findOne({ where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
  }

  /** One page of visitors matching the search (name, company or phone), by name. */
  async findPage(organizationId: string, query: VisitorQuery): Promise<[Visitor[], number]> {
    const builder = this.visitors
      .createQueryBuilder('visitor')
      .where('visitor.organization_id = :organizationId', { organizationId });
    if (query.search) {
      builder.andWhere(
        "(visitor.full_name ILIKE :pattern ESCAPE '\\' OR visitor.company ILIKE :pattern ESCAPE '\\'" +
          " OR visitor.phone ILIKE :pattern ESCAPE '\\')",
        { pattern: `%${escapeLike(query.search.trim())}%` },
      );
    }
    if (query.is_watchlisted !== undefined) {
      builder.andWhere('visitor.is_watchlisted = :watchlisted', { watchlisted: query.is_watchlisted });
    }
    const { skip, take } = PageOf.skipTake(query);
    orderQuery(
      builder,
      query.ordering,
      {
        full_name: 'visitor.full_name',
        last_visit_at: 'visitor.last_visit_at',
        created_at: 'visitor.created_at',
      },
      'visitor.id',
    );
    return builder.skip(skip).take(take).getManyAndCount();
  }

  /** Visitors whose ID number starts with the prefix (by its keyed hash; a GIN index answers), at most `limit`. */
  findByPrefixHash(organizationId: string, prefixHash: string, limit: number): Promise<Visitor[]> {
    return this.visitors
      .createQueryBuilder('visitor')
      .where('visitor.organization_id = :organizationId', { organizationId })
      .andWhere('visitor.id_number_prefix_hashes @> ARRAY[:prefixHash]::text[]', { prefixHash })
      .orderBy('visitor.last_visit_at', 'DESC', 'NULLS LAST')
      .addOrderBy('visitor.full_name', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The visitor's faces, newest first (the photo and thumbnail ids, no embeddings). */
  facesOf(organizationId: string, visitorId: string): Promise<VisitorFace[]> {
    return this.faces.find({
      select: { id: true, angle: true, photoId: true, thumbnailId: true, createdAt: true },
      where: { organizationId, visitorId },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** Visitors among `ids` in the organisation, by id. */
  async findMany(organizationId: string, ids: string[]): Promise<Map<string, Visitor>> {
    if (ids.length === 0) return new Map();
    const rows = await this.visitors.findBy({ organizationId, id: In(ids) });
    return new Map(rows.map((row) => [row.id, row]));
  }
}
