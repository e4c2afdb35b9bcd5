import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { findInOrganization } from '../common/find-in-organization.js';
import { PageOf } from '../common/pagination.js';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { AttendanceCalendar } from './attendance-calendar.js';
import { publishAttendanceMarked } from './attendance-marked.js';
import {
  type AttendanceRecordDetailDto,
  type AttendanceRecordDto,
  type AttendanceRecordQuery,
  type CreateAttendanceRecordDto,
  toAttendanceRecordDto,
  type UpdateAttendanceRecordDto,
} from './attendance-record.dto.js';
import { AttendanceRecord } from './attendance-record.entity.js';
import { statusOf, workHours } from './attendance-rules.js';
import { addDays, startOfLocalDay } from './local-time.js';
import { PresenceEventsService } from '../presence/presence-events.service.js';

const ORDER_COLUMNS = { date: 'record.date', check_in_at: 'record.check_in_at', status: 'record.status' } as const;

/** Reading attendance records, and making or correcting them by hand (always with a reason, always audited). */
@Injectable()
export class AttendanceRecordsService {
  constructor(
    @InjectRepository(AttendanceRecord) private readonly records: Repository<AttendanceRecord>,
    private readonly dataSource: DataSource,
    private readonly people: EmployeesService,
    private readonly calendar: AttendanceCalendar,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly presence: PresenceEventsService,
  ) {}

  async list(caller: AuthUser, query: AttendanceRecordQuery): Promise<PageOf<AttendanceRecordDto>> {
    const builder = this.records
      .createQueryBuilder('record')
      .where('record.organization_id = :organizationId', { organizationId: caller.organizationId });
    if (query.employee_id) builder.andWhere('record.employee_id = :employeeId', { employeeId: query.employee_id });
    if (query.department_id) {
      builder.andWhere('record.department_id = :departmentId', { departmentId: query.department_id });
    }
    if (query.location_id) builder.andWhere('record.location_id = :locationId', { locationId: query.location_id });
    if (query.status) builder.andWhere('record.status = :status', { status: query.status });
    if (query.date_from) builder.andWhere('record.date >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('record.date <= :to', { to: query.date_to });
    const field = query.ordering.replace(/^-/, '') as keyof typeof ORDER_COLUMNS;
    const direction = query.ordering.startsWith('-') ? 'DESC' : 'ASC';
    builder.orderBy(ORDER_COLUMNS[field], direction, 'NULLS LAST').addOrderBy('record.id', direction);
    const { skip, take } = PageOf.skipTake(query);
    const [rows, count] = await builder.skip(skip).take(take).getManyAndCount();
    return new PageOf(await this.toDtos(caller.organizationId, rows), count, query);
  }

  /** The caller's own records (the person linked to their account). */
  async listOwn(caller: AuthUser, query: AttendanceRecordQuery): Promise<PageOf<AttendanceRecordDto>> {
    const employeeId = await this.people.idOfUser(caller.organizationId, caller.id);
    if (!employeeId) throw new ApiError(HttpStatus.NOT_FOUND, 'not_found', 'No person is linked to your account');
    return this.list(caller, Object.assign(query, { employee_id: employeeId, department_id: undefined }));
  }

  async get(caller: AuthUser, id: string): Promise<AttendanceRecordDto> {
    const record = await findInOrganization(this.records, caller.organizationId, id, 'AttendanceRecord');
    return (await this.toDtos(caller.organizationId, [record]))[0];
  }

  /** One record with the presence events behind it: the person's sightings on that local day. */
  async getWithSightings(caller: AuthUser, id: string): Promise<AttendanceRecordDetailDto> {
    const record = await findInOrganization(this.records, caller.organizationId, id, 'AttendanceRecord');
    const timeZone = await this.calendar.timeZoneOf(record.organizationId, this.dataSource.manager);
    // The local day, stretched to the record's own times (a night shift runs past midnight).
    const from = new Date(
      Math.min(startOfLocalDay(record.date, timeZone).getTime(), record.checkInAt?.getTime() ?? Infinity),
    );
    const dayEnd = startOfLocalDay(addDays(record.date, 1), timeZone).getTime();
    const to = new Date(
      Math.max(dayEnd, (record.lastSeenAt?.getTime() ?? 0) + 1000, (record.checkOutAt?.getTime() ?? 0) + 1000),
    );
    const sightings = await this.presence.sightingsOf(record.organizationId, record.employeeId, from, to);
    return { ...(await this.toDtos(caller.organizationId, [record]))[0], presence_events: sightings };
  }

  async create(caller: AuthUser, input: CreateAttendanceRecordDto): Promise<AttendanceRecordDto> {
    assertTimesInOrder(input.check_in_at ?? null, input.check_out_at ?? null);
    const [person] = await this.people.roster(caller.organizationId, { ids: [input.employee_id] });
    if (!person) {
      throw ApiError.badRequest('validation_error', 'The person is not an active person of this organisation', [
        { field: 'employee_id', errors: ['employee_id must be an active person of the organisation'] },
      ]);
    }
    const saved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(AttendanceRecord);
      if (await repository.existsBy({ employeeId: person.id, date: input.date })) {
        throw ApiError.conflict('The person already has a record for this day; correct it with PATCH', [
          { field: 'date', errors: ['a record exists for this person and day'] },
        ]);
      }
      const record = repository.create({
        organizationId: caller.organizationId,
        employeeId: person.id,
        departmentId: person.departmentId,
        date: input.date,
        status: input.status,
        checkInAt: input.check_in_at ?? null,
        checkOutAt: input.check_out_at ?? null,
        lastSeenAt: input.check_out_at ?? input.check_in_at ?? null,
        source: 'manual',
        reason: input.reason,
        correctedBy: caller.id,
      });
      record.workHours = workHours(record);
      const stored = await repository.save(record);
      await this.audit.record(
        {
          action: 'attendance.marked_manually',
          entityType: 'attendance_record',
          entityId: stored.id,
          newValues: snapshot(stored),
        },
        manager,
      );
      await publishAttendanceMarked(this.events, manager, stored, person.userId);
      return stored;
    });
    return this.get(caller, saved.id);
  }

  /** Corrects status and/or times. Without a status, the status follows the rules for the new times. */
  async update(caller: AuthUser, id: string, input: UpdateAttendanceRecordDto): Promise<AttendanceRecordDto> {
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(AttendanceRecord);
      const record = await repository.findOne({
        where: { id, organizationId: caller.organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!record) throw ApiError.notFound('AttendanceRecord');
      const before = snapshot(record);
      if (input.check_in_at !== undefined) record.checkInAt = input.check_in_at;
      if (input.check_out_at !== undefined) record.checkOutAt = input.check_out_at;
      assertTimesInOrder(record.checkInAt, record.checkOutAt);
      record.workHours = workHours(record);
      const [person] = await this.people.roster(record.organizationId, { ids: [record.employeeId] }, manager);
      if (input.status !== undefined) record.status = input.status;
      else {
        const subject = { id: record.employeeId, shiftId: person?.shiftId ?? null };
        const rules = await this.calendar.rulesFor(record.organizationId, [subject], record.date, manager);
        record.status = statusOf(record, rules.get(record.employeeId)!);
      }
      record.reason = input.reason;
      record.correctedBy = caller.id;
      const saved = await repository.save(record);
      const after = snapshot(saved);
      await this.audit.record(
        {
          action: 'attendance.corrected',
          entityType: 'attendance_record',
          entityId: id,
          oldValues: before,
          newValues: after,
        },
        manager,
      );
      await publishAttendanceMarked(this.events, manager, saved, person?.userId ?? null);
    });
    return this.get(caller, id);
  }

  private async toDtos(organizationId: string, rows: AttendanceRecord[]): Promise<AttendanceRecordDto[]> {
    const people = await this.people.identities(
      organizationId,
      rows.map((row) => row.employeeId),
    );
    return rows.map((row) => toAttendanceRecordDto(row, people.get(row.employeeId) ?? null));
  }
}

function assertTimesInOrder(checkIn: Date | null, checkOut: Date | null): void {
  if (checkIn && checkOut && checkOut < checkIn) {
    throw ApiError.badRequest('validation_error', 'The check-out is before the check-in', [
      { field: 'check_out_at', errors: ['check_out_at must not be before check_in_at'] },
    ]);
  }
}

/** What the audit keeps of a record before and after a change. */
function snapshot(record: AttendanceRecord): Record<string, unknown> {
  return {
    employee_id: record.employeeId,
    date: record.date,
    status: record.status,
    check_in_at: record.checkInAt?.toISOString() ?? null,
    check_out_at: record.checkOutAt?.toISOString() ?? null,
    work_hours: record.workHours,
    reason: record.reason,
  };
}
