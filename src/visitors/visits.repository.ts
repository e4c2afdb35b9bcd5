import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { findInOrganization } from '../common/find-in-organization.js';
import { PageOf, type PageQuery } from '../common/pagination.js';
import type { VisitQuery } from './visit.dto.js';
import { Visit } from './visit.entity.js';
import { orderQuery } from '../common/ordering.js';

/** When a visit happened, for date filters: its check-in, else its expected start, else its creation. */
const VISIT_TIME = 'COALESCE(visit.checked_in_at, visit.expected_from, visit.created_at)';

/** SQL of visits. Every method is scoped to one organisation. */
@Injectable()
export class VisitsRepository {
  constructor(@InjectRepository(Visit) private readonly visits: Repository<Visit>) {}

  findInOrganization(organizationId: string, id: string): Promise<Visit> {
    return findInOrganization(this.visits, organizationId, id, 'Visit');
  }

  lock(manager: EntityManager, organizationId: string, id: string): Promise<Visit | null> {
    return manager.getRepository(Visit).findOne({ where: { id, organizationId }, lock: { mode: 'pessimistic_write' } });
  }

  /** The visitor's visit in progress, if any. */
  openVisitOf(manager: EntityManager, organizationId: string, visitorId: string): Promise<Visit | null> {
    return manager.getRepository(Visit).findOneBy({ organizationId, visitorId, status: 'checked_in' });
  }

  /** The expected visit holding this code, locked; null when the code is unknown, used or of another organisation. */
  lockExpectedByCode(manager: EntityManager, organizationId: string, codeHash: string): Promise<Visit | null> {
    return manager.getRepository(Visit).findOne({
      where: { organizationId, codeHash, status: 'expected' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async findPage(organizationId: string, query: VisitQuery): Promise<[Visit[], number]> {
    const builder = this.visits
      .createQueryBuilder('visit')
      .where('visit.organization_id = :organizationId', { organizationId });
    if (query.status) builder.andWhere('visit.status = :status', { status: query.status });
    if (query.host_employee_id) builder.andWhere('visit.host_employee_id = :host', { host: query.host_employee_id });
    if (query.visitor_id) builder.andWhere('visit.visitor_id = :visitor', { visitor: query.visitor_id });
    const from = query.date_from ?? query.from;
    const to = query.date_to ?? query.to;
    if (from) builder.andWhere(`${VISIT_TIME} >= :from`, { from });
    if (to) builder.andWhere(`${VISIT_TIME} <= :to`, { to });
    const { skip, take } = PageOf.skipTake(query);
    orderQuery(builder, query.ordering, { visit_time: VISIT_TIME, created_at: 'visit.created_at' }, 'visit.id');
    return builder.skip(skip).take(take).getManyAndCount();
  }

  /** Everyone checked in and not out, earliest first. */
  onSite(organizationId: string, query: PageQuery): Promise<[Visit[], number]> {
    return this.visits.findAndCount({
      where: { organizationId, status: 'checked_in' },
      order: { checkedInAt: 'ASC', id: 'ASC' },
      ...PageOf.skipTake(query),
    });
  }
}
