import { createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { PageOf, type PageQuery } from '../common/pagination.js';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import type { CheckInByCodeDto, CreateVisitDto, VisitQuery } from './visit.dto.js';
import { Visit } from './visit.entity.js';
import { type ExpectedVisitDto, toVisitDto, type VisitDto } from './visit-response.dto.js';
import { Visitor } from './visitor.entity.js';
import { VisitorsRepository } from './visitors.repository.js';
import { VisitsRepository } from './visits.repository.js';
import { WatchlistAlert } from './watchlist-alert.js';

const hashCode = (code: string) => createHash('sha256').update(code, 'utf8').digest('hex');

/** Visits: walk-in check-in, pre-registration with a one-time code, check-out, and who is on site. */
@Injectable()
export class VisitsService {
  constructor(
    private readonly visits: VisitsRepository,
    private readonly visitors: VisitorsRepository,
    private readonly people: EmployeesService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly watchlist: WatchlistAlert,
  ) {}

  async list(caller: AuthUser, query: VisitQuery): Promise<PageOf<VisitDto>> {
    const [rows, count] = await this.visits.findPage(caller.organizationId, query);
    return new PageOf(await this.toDtos(caller.organizationId, rows), count, query);
  }

  async onSite(caller: AuthUser, query: PageQuery): Promise<PageOf<VisitDto>> {
    const [rows, count] = await this.visits.onSite(caller.organizationId, query);
    return new PageOf(await this.toDtos(caller.organizationId, rows), count, query);
  }

  /** A walk-in: the visit starts now. A watchlisted visitor is refused (403 `watchlisted`) and security is alerted. */
  async checkIn(caller: AuthUser, input: CreateVisitDto): Promise<VisitDto> {
    const organizationId = caller.organizationId;
    const visitor = await this.visitors.findInOrganization(organizationId, input.visitor_id);
    await this.refuseWatchlisted(caller, visitor);
    await this.checkHost(organizationId, input.host_employee_id);
    const hostUserId = await this.hostUserOf(organizationId, input.host_employee_id ?? null);
    const visit = await this.dataSource.transaction(async (manager) => {
      const locked = await this.lockVisitor(manager, organizationId, visitor.id);
      const created = manager.getRepository(Visit).create({
        ...visitFields(input),
        organizationId,
        visitorId: locked.id,
        status: 'checked_in',
        checkedInAt: new Date(),
        codeHash: null,
        createdBy: caller.id,
      });
      return this.startVisit(manager, locked, created, hostUserId);
    });
    return (await this.toDtos(organizationId, [visit]))[0];
  }

  /** A host announces a visitor: `expected`, with a one-time code (returned once, kept as a hash) for the kiosk. */
  async preRegister(caller: AuthUser, input: CreateVisitDto): Promise<ExpectedVisitDto> {
    const organizationId = caller.organizationId;
    await this.visitors.findInOrganization(organizationId, input.visitor_id);
    const hostId = input.host_employee_id ?? (await this.people.idOfUser(organizationId, caller.id));
    await this.checkHost(organizationId, hostId);
    const code = randomBytes(12).toString('base64url');
    const visit = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(Visit).save(
        manager.getRepository(Visit).create({
          ...visitFields(input),
          hostEmployeeId: hostId,
          organizationId,
          visitorId: input.visitor_id,
          status: 'expected',
          codeHash: hashCode(code),
          createdBy: caller.id,
        }),
      );
      await this.audit.record(
        { action: 'visit.expected', entityType: 'visit', entityId: saved.id, newValues: auditView(saved) },
        manager,
      );
      return saved;
    });
    return { visit: (await this.toDtos(organizationId, [visit]))[0], check_in_code: code };
  }

  /** Checks an expected visit in with its one-time code; the code cannot be used again. */
  async checkInByCode(caller: AuthUser, input: CheckInByCodeDto): Promise<VisitDto> {
    const organizationId = caller.organizationId;
    const codeHash = hashCode(input.code);
    const pending = await this.dataSource
      .getRepository(Visit)
      .findOneBy({ organizationId, codeHash, status: 'expected' });
    if (!pending?.visitorId)
      throw new ApiError(HttpStatus.NOT_FOUND, 'invalid_code', 'No expected visit has this code');
    await this.refuseWatchlisted(caller, await this.visitors.findInOrganization(organizationId, pending.visitorId));
    const hostUserId = await this.hostUserOf(organizationId, pending.hostEmployeeId);
    const visit = await this.dataSource.transaction(async (manager) => {
      const expected = await this.visits.lockExpectedByCode(manager, organizationId, codeHash);
      if (!expected?.visitorId)
        throw new ApiError(HttpStatus.NOT_FOUND, 'invalid_code', 'No expected visit has this code');
      const visitor = await this.lockVisitor(manager, organizationId, expected.visitorId);
      Object.assign(expected, { status: 'checked_in', checkedInAt: new Date(), codeHash: null });
      if (input.badge_number !== undefined) expected.badgeNumber = input.badge_number;
      return this.startVisit(manager, visitor, expected, hostUserId);
    });
    return (await this.toDtos(organizationId, [visit]))[0];
  }

  async checkOut(caller: AuthUser, id: string): Promise<VisitDto> {
    const organizationId = caller.organizationId;
    await this.visits.findInOrganization(organizationId, id);
    const visit = await this.dataSource.transaction(async (manager) => {
      const locked = await this.visits.lock(manager, organizationId, id);
      if (!locked) throw ApiError.notFound('Visit');
      if (locked.status !== 'checked_in') {
        throw new ApiError(HttpStatus.CONFLICT, 'not_checked_in', `The visit is ${locked.status}, not checked in`);
      }
      locked.status = 'checked_out';
      locked.checkedOutAt = new Date();
      const saved = await manager.getRepository(Visit).save(locked);
      await this.audit.record(
        { action: 'visit.checked_out', entityType: 'visit', entityId: id, newValues: auditView(saved) },
        manager,
      );
      return saved;
    });
    return (await this.toDtos(organizationId, [visit]))[0];
  }

  /** Saves the visit as checked in, marks the visitor's last visit, audits, and tells the host (after commit). */
  private async startVisit(
    manager: EntityManager,
    visitor: Visitor,
    visit: Visit,
    hostUserId: string | null,
  ): Promise<Visit> {
    if (await this.visits.openVisitOf(manager, visitor.organizationId, visitor.id)) {
      throw new ApiError(HttpStatus.CONFLICT, 'already_checked_in', 'The visitor is already checked in');
    }
    const saved = await manager.getRepository(Visit).save(visit);
    await manager.getRepository(Visitor).update({ id: visitor.id }, { lastVisitAt: saved.checkedInAt });
    await this.audit.record(
      { action: 'visit.checked_in', entityType: 'visit', entityId: saved.id, newValues: auditView(saved) },
      manager,
    );
    await this.events.publish(manager, 'visitor.checked_in', {
      organizationId: visitor.organizationId,
      visitId: saved.id,
      visitorId: visitor.id,
      visitorName: visitor.fullName,
      company: visitor.company,
      hostEmployeeId: saved.hostEmployeeId,
      hostUserId,
      badgeNumber: saved.badgeNumber,
      floors: saved.floors,
      towers: saved.towers,
      checkedInAt: saved.checkedInAt!.toISOString(),
    });
    return saved;
  }

  private async refuseWatchlisted(caller: AuthUser, visitor: Visitor): Promise<void> {
    if (!visitor.isWatchlisted) return;
    await this.watchlist.raise(caller, visitor, 'check_in');
    throw new ApiError(HttpStatus.FORBIDDEN, 'watchlisted', 'This visitor may not be checked in; security was alerted');
  }

  private async lockVisitor(manager: EntityManager, organizationId: string, id: string): Promise<Visitor> {
    const visitor = await this.visitors.lockInOrganization(manager, organizationId, id);
    if (!visitor) throw ApiError.notFound('Visitor');
    return visitor;
  }

  private async checkHost(organizationId: string, hostId: string | null | undefined): Promise<void> {
    if (hostId && !(await this.people.exists(organizationId, hostId))) {
      throw ApiError.badRequest('validation_error', 'The host is not a person of this organisation', [
        { field: 'host_employee_id', errors: ['host_employee_id must be a person of the organisation'] },
      ]);
    }
  }

  private async hostUserOf(organizationId: string, hostId: string | null): Promise<string | null> {
    if (!hostId) return null;
    const [host] = await this.people.roster(organizationId, { ids: [hostId] });
    return host?.userId ?? null;
  }

  private async toDtos(organizationId: string, visits: Visit[]): Promise<VisitDto[]> {
    const visitors = await this.visitors.findMany(organizationId, [
      ...new Set(visits.flatMap((visit) => (visit.visitorId ? [visit.visitorId] : []))),
    ]);
    const hosts = await this.people.identities(organizationId, [
      ...new Set(visits.flatMap((visit) => (visit.hostEmployeeId ? [visit.hostEmployeeId] : []))),
    ]);
    return visits.map((visit) => {
      const visitor = visit.visitorId ? visitors.get(visit.visitorId) : undefined;
      const host = visit.hostEmployeeId ? hosts.get(visit.hostEmployeeId) : undefined;
      return toVisitDto(
        visit,
        visitor ? { id: visitor.id, full_name: visitor.fullName, company: visitor.company } : null,
        host ? { id: host.id, full_name: host.full_name } : null,
      );
    });
  }
}

function visitFields(input: CreateVisitDto): Partial<Visit> {
  return {
    hostEmployeeId: input.host_employee_id ?? null,
    purpose: input.purpose ?? null,
    floors: input.floors ?? [],
    towers: input.towers ?? [],
    expectedFrom: input.expected_from ? new Date(input.expected_from) : null,
    expectedTo: input.expected_to ? new Date(input.expected_to) : null,
    badgeNumber: input.badge_number ?? null,
    checkedInAt: null,
    checkedOutAt: null,
  };
}

/** What the audit keeps of a visit: no code hash. */
function auditView(visit: Visit): Record<string, unknown> {
  const { codeHash: _codeHash, ...rest } = visit;
  return rest;
}
