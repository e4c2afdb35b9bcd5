import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  Between,
  DataSource,
  type EntityManager,
  In,
  LessThanOrEqual,
  MoreThanOrEqual,
  Not,
  Repository,
} from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { Permission } from '../../access/permissions.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { PageOf } from '../../common/pagination.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { DomainEventBus } from '../../events/domain-event-bus.js';
import { publishAttendanceMarked } from '../attendance-marked.js';
import { AttendanceRecord } from '../attendance-record.entity.js';
import { daysBetween } from '../local-time.js';
import {
  type CreateLeaveRequestDto,
  type LeaveDecisionDto,
  type LeaveRequestDto,
  type LeaveRequestQuery,
  toLeaveRequestDto,
} from './leave-request.dto.js';
import { LeaveRequest, type LeaveStatus } from './leave-request.entity.js';
import { orderQuery } from '../../common/ordering.js';

/** The longest leave one request may ask for. */
const MAX_LEAVE_DAYS = 366;

/**
 * Leave: people ask for days off; holders of `attendance:write` approve or reject. Approved leave makes those days
 * `excused` (absences already recorded become excused at once; the daily close marks the rest).
 */
@Injectable()
export class LeaveRequestsService {
  constructor(
    @InjectRepository(LeaveRequest) private readonly requests: Repository<LeaveRequest>,
    private readonly dataSource: DataSource,
    private readonly people: EmployeesService,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
  ) {}

  async create(caller: AuthUser, input: CreateLeaveRequestDto): Promise<LeaveRequestDto> {
    if (input.end_date < input.start_date) {
      throw ApiError.badRequest('validation_error', 'The leave ends before it starts', [
        { field: 'end_date', errors: ['end_date must not be before start_date'] },
      ]);
    }
    if (daysBetween(input.start_date, input.end_date) >= MAX_LEAVE_DAYS) {
      throw ApiError.badRequest('validation_error', `One request covers at most ${MAX_LEAVE_DAYS} days`, [
        { field: 'end_date', errors: [`the leave must be at most ${MAX_LEAVE_DAYS} days long`] },
      ]);
    }
    const employeeId = await this.subjectOf(caller, input.employee_id);
    const saved = await this.dataSource.transaction(async (manager) => {
      // One request at a time per person, so two overlapping requests cannot both pass the check.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leave:${employeeId}`]);
      const clash = await manager.getRepository(LeaveRequest).findOne({
        where: {
          employeeId,
          status: In(['pending', 'approved']),
          startDate: LessThanOrEqual(input.end_date),
          endDate: MoreThanOrEqual(input.start_date),
        },
      });
      if (clash) {
        throw ApiError.conflict(
          `The person already has ${clash.status} leave from ${clash.startDate} to ${clash.endDate}`,
          [{ field: 'start_date', errors: ['the dates overlap another request of the person'] }],
        );
      }
      const request = await manager.getRepository(LeaveRequest).save({
        organizationId: caller.organizationId,
        employeeId,
        leaveType: input.leave_type,
        startDate: input.start_date,
        endDate: input.end_date,
        reason: input.reason ?? null,
        status: 'pending' as const,
        requestedBy: caller.id,
      });
      await this.audit.record(
        {
          action: 'leave.requested',
          entityType: 'leave_request',
          entityId: request.id,
          newValues: { employee_id: employeeId, start_date: request.startDate, end_date: request.endDate },
        },
        manager,
      );
      return request;
    });
    return this.get(caller, saved.id);
  }

  /** Everyone's requests for `attendance:read`; otherwise the caller's own. */
  async list(caller: AuthUser, query: LeaveRequestQuery): Promise<PageOf<LeaveRequestDto>> {
    const builder = this.requests
      .createQueryBuilder('leave')
      .where('leave.organization_id = :organizationId', { organizationId: caller.organizationId });
    orderQuery(
      builder,
      query.ordering,
      { start_date: 'leave.start_date', created_at: 'leave.created_at', status: 'leave.status' },
      'leave.id',
    );
    const own = await this.ownScope(caller);
    const employeeId = own ?? query.employee_id;
    if (employeeId) builder.andWhere('leave.employee_id = :employeeId', { employeeId });
    if (query.status) builder.andWhere('leave.status = :status', { status: query.status });
    if (query.date_from) builder.andWhere('leave.end_date >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('leave.start_date <= :to', { to: query.date_to });
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(await this.toDtos(caller.organizationId, rows), count, query);
  }

  async get(caller: AuthUser, id: string): Promise<LeaveRequestDto> {
    const request = await this.findVisible(caller, id);
    return (await this.toDtos(caller.organizationId, [request]))[0];
  }

  async approve(caller: AuthUser, id: string, input: LeaveDecisionDto): Promise<LeaveRequestDto> {
    return this.decide(caller, id, 'approved', input.note);
  }

  async reject(caller: AuthUser, id: string, input: LeaveDecisionDto): Promise<LeaveRequestDto> {
    return this.decide(caller, id, 'rejected', input.note);
  }

  /** The requester (or an attendance writer) withdraws a request that is still pending. */
  async cancel(caller: AuthUser, id: string): Promise<LeaveRequestDto> {
    await this.findVisible(caller, id);
    return this.decide(caller, id, 'cancelled', undefined);
  }

  private async decide(
    caller: AuthUser,
    id: string,
    status: Exclude<LeaveStatus, 'pending'>,
    note: string | undefined,
  ): Promise<LeaveRequestDto> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(LeaveRequest);
      const request = await repository.findOne({
        where: { id, organizationId: caller.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!request) throw ApiError.notFound('LeaveRequest');
      if (request.status !== 'pending') {
        throw ApiError.conflict(`The request is ${request.status}; only a pending request can be ${status}`);
      }
      request.status = status;
      request.decidedBy = caller.id;
      request.decidedAt = new Date();
      request.decisionNote = note ?? null;
      await repository.save(request);
      const excused = status === 'approved' ? await this.excuseAbsences(manager, request) : 0;
      await this.audit.record(
        {
          action: `leave.${status}`,
          entityType: 'leave_request',
          entityId: id,
          oldValues: { status: 'pending' },
          newValues: { status, note: note ?? null, ...(status === 'approved' ? { absences_excused: excused } : {}) },
        },
        manager,
      );
    });
    return this.get(caller, id);
  }

  /** Absences already recorded on the approved days become excused (corrections by a person stand). */
  private async excuseAbsences(manager: EntityManager, request: LeaveRequest): Promise<number> {
    const records = manager.getRepository(AttendanceRecord);
    const absences = await records.find({
      where: {
        employeeId: request.employeeId,
        status: 'absent',
        date: Between(request.startDate, request.endDate),
        source: Not('manual'),
      },
      lock: { mode: 'pessimistic_write' },
    });
    const [person] = await this.people.roster(request.organizationId, { ids: [request.employeeId] }, manager);
    for (const record of absences) {
      if (record.correctedBy) continue;
      record.status = 'excused';
      await records.save(record);
      await publishAttendanceMarked(this.events, manager, record, person?.userId ?? null);
    }
    return absences.filter((record) => record.status === 'excused').length;
  }

  /** Whose request a new one is: the named person for attendance writers, else the caller's own person. */
  private async subjectOf(caller: AuthUser, employeeId: string | undefined): Promise<string> {
    if (employeeId && caller.permissions.has(Permission.AttendanceWrite)) {
      if (!(await this.people.exists(caller.organizationId, employeeId))) {
        throw ApiError.badRequest('validation_error', 'The person is not a person of this organisation', [
          { field: 'employee_id', errors: ['employee_id must be a person of the organisation'] },
        ]);
      }
      return employeeId;
    }
    const own = await this.people.idOfUser(caller.organizationId, caller.id);
    if (!own) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'No person is linked to your account');
    if (employeeId && employeeId !== own) throw ApiError.forbidden('Only attendance writers may ask leave for others');
    return own;
  }

  /** The caller's own person id when they may see only their own requests; null when they see everyone's. */
  private async ownScope(caller: AuthUser): Promise<string | null> {
    if (caller.permissions.has(Permission.AttendanceRead) || caller.permissions.has(Permission.AttendanceWrite)) {
      return null;
    }
    // A random id that matches nothing when no person is linked: the caller then sees an empty list.
    return (await this.people.idOfUser(caller.organizationId, caller.id)) ?? '00000000-0000-0000-0000-000000000000';
  }

  private async findVisible(caller: AuthUser, id: string): Promise<LeaveRequest> {
    const own = await this.ownScope(caller);
    const request = await this.requests.findOneBy({
      id,
      organizationId: caller.organizationId,
      ...(own ? { employeeId: own } : {}),
    });
    if (!request) throw ApiError.notFound('LeaveRequest');
    return request;
  }

  private async toDtos(organizationId: string, rows: LeaveRequest[]): Promise<LeaveRequestDto[]> {
    const people = await this.people.identities(
      organizationId,
      rows.map((row) => row.employeeId),
    );
    return rows.map((row) => toLeaveRequestDto(row, people.get(row.employeeId) ?? null));
  }
}
