import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { PageOf } from '../../common/pagination.js';
import { DepartmentsService } from '../../departments/departments.service.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { DomainEventBus } from '../../events/domain-event-bus.js';
import { OrganizationsService } from '../../organizations/organizations.service.js';
import { publishClassMark } from './class-mark-published.js';
import {
  type ClassSessionDetailDto,
  type ClassSessionDto,
  type ClassSessionMarkDto,
  type ClassSessionQuery,
  type CreateClassSessionDto,
  type OverrideClassMarkDto,
  toClassSessionDto,
  toClassSessionMarkDto,
  type UpdateClassSessionDto,
} from './class-session.dto.js';
import type { ClassSession } from './class-session.entity.js';
import { sessionTimeErrors, type SessionTimes, toHourMinute } from './class-session-rules.js';
import { ClassSessionStatistics } from './class-session-statistics.js';
import { ClassSessionsRepository } from './class-sessions.repository.js';
import { TeachingScope } from './teaching-scope.js';

/**
 * Class sessions of a department: planned (create, change), run (marks from photos, see ClassSessionMarking, and
 * overrides by hand), then closed (every unmarked student absent) or cancelled. A completed or cancelled session
 * cannot change; per-student overrides stay possible on a completed session, like corrections of a closed record.
 */
@Injectable()
export class ClassSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ClassSessionsRepository,
    private readonly statistics: ClassSessionStatistics,
    private readonly scope: TeachingScope,
    private readonly departments: DepartmentsService,
    private readonly people: EmployeesService,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
  ) {}

  async create(caller: AuthUser, input: CreateClassSessionDto): Promise<ClassSessionDto> {
    if (!(await this.departments.summaryOf(caller.organizationId, input.department_id))) {
      throw ApiError.badRequest('validation_error', 'The department is not a department of this organisation', [
        { field: 'department_id', errors: ['department_id must be a department of the organisation'] },
      ]);
    }
    await this.scope.assertMayTeach(caller, input.department_id);
    const times = { date: input.date, startTime: input.start_time, endTime: input.end_time };
    await this.assertValidTimes(caller.organizationId, times);
    const saved = await this.dataSource.transaction(async (manager) => {
      const session = await this.repository.createSession(manager, {
        organizationId: caller.organizationId,
        departmentId: input.department_id,
        subject: input.subject,
        date: input.date,
        startTime: input.start_time,
        endTime: input.end_time,
        notes: input.notes ?? null,
        status: 'active',
        createdBy: caller.id,
      });
      await this.audit.record(
        {
          action: 'class_session.created',
          entityType: 'class_session',
          entityId: session.id,
          newValues: snapshot(session),
        },
        manager,
      );
      return session;
    });
    return this.get(caller, saved.id);
  }

  async list(caller: AuthUser, query: ClassSessionQuery): Promise<PageOf<ClassSessionDto>> {
    const [rows, count] = await this.repository.findPage(caller.organizationId, query);
    return new PageOf(await this.toDtos(caller.organizationId, rows), count, query);
  }

  /** The session with its figures and every student's mark. */
  async get(caller: AuthUser, id: string): Promise<ClassSessionDetailDto> {
    const session = await this.repository.findInOrganization(caller.organizationId, id);
    const [dto] = await this.toDtos(caller.organizationId, [session]);
    const marks = await this.repository.marksOf(session.id);
    const people = await this.people.identities(
      caller.organizationId,
      marks.map((mark) => mark.employeeId),
    );
    return { ...dto, marks: marks.map((mark) => toClassSessionMarkDto(mark, people.get(mark.employeeId) ?? null)) };
  }

  async update(caller: AuthUser, id: string, input: UpdateClassSessionDto): Promise<ClassSessionDto> {
    const found = await this.repository.findInOrganization(caller.organizationId, id);
    await this.scope.assertMayTeach(caller, found.departmentId);
    const timeZone = await this.timeZoneOf(caller.organizationId);
    await this.dataSource.transaction(async (manager) => {
      const session = await this.repository.lockInOrganization(manager, caller.organizationId, id);
      assertActive(session, 'changed');
      const before = snapshot(session);
      const times: SessionTimes = {
        date: input.date ?? session.date,
        startTime: input.start_time ?? toHourMinute(session.startTime),
        endTime: input.end_time ?? toHourMinute(session.endTime),
      };
      if (input.date !== undefined || input.start_time !== undefined || input.end_time !== undefined) {
        throwOnErrors(sessionTimeErrors(times, new Date(), timeZone));
      }
      Object.assign(session, times);
      if (input.subject !== undefined) session.subject = input.subject;
      if (input.notes !== undefined) session.notes = input.notes;
      const saved = await this.repository.saveSession(manager, session);
      await this.audit.record(
        {
          action: 'class_session.updated',
          entityType: 'class_session',
          entityId: id,
          oldValues: before,
          newValues: snapshot(saved),
        },
        manager,
      );
    });
    return this.get(caller, id);
  }

  /** Completes the session: every active student of the department without a mark is `absent`. Idempotent. */
  async close(caller: AuthUser, id: string): Promise<ClassSessionDto> {
    const found = await this.repository.findInOrganization(caller.organizationId, id);
    await this.scope.assertMayTeach(caller, found.departmentId);
    await this.dataSource.transaction(async (manager) => {
      const session = await this.repository.lockInOrganization(manager, caller.organizationId, id);
      if (session.status === 'completed') return;
      assertActive(session, 'closed');
      const students = session.departmentId
        ? (await this.people.roster(caller.organizationId, { departmentId: session.departmentId }, manager)).filter(
            (person) => person.kind === 'student',
          )
        : [];
      const now = new Date();
      const absent = await this.repository.insertNew(
        manager,
        students.map((student) => ({
          organizationId: caller.organizationId,
          sessionId: session.id,
          employeeId: student.id,
          status: 'absent' as const,
          source: 'close' as const,
          markedAt: now,
          similarity: null,
          markedBy: caller.id,
        })),
      );
      session.status = 'completed';
      session.closedAt = now;
      await this.repository.saveSession(manager, session);
      await this.audit.record(
        {
          action: 'class_session.closed',
          entityType: 'class_session',
          entityId: id,
          oldValues: { status: 'active' },
          newValues: { status: 'completed', absent: absent.length },
        },
        manager,
      );
      const users = new Map(students.map((student) => [student.id, student.userId]));
      for (const mark of absent) {
        await publishClassMark(this.events, manager, session, mark, users.get(mark.employeeId) ?? null);
      }
    });
    return this.get(caller, id);
  }

  /** Cancels an active session (its marks stay, for the record). Idempotent; a completed session: 409. */
  async cancel(caller: AuthUser, id: string): Promise<ClassSessionDto> {
    const found = await this.repository.findInOrganization(caller.organizationId, id);
    await this.scope.assertMayTeach(caller, found.departmentId);
    await this.dataSource.transaction(async (manager) => {
      const session = await this.repository.lockInOrganization(manager, caller.organizationId, id);
      if (session.status === 'cancelled') return;
      assertActive(session, 'cancelled');
      session.status = 'cancelled';
      session.cancelledAt = new Date();
      await this.repository.saveSession(manager, session);
      await this.audit.record(
        {
          action: 'class_session.cancelled',
          entityType: 'class_session',
          entityId: id,
          oldValues: { status: 'active' },
          newValues: { status: 'cancelled' },
        },
        manager,
      );
    });
    return this.get(caller, id);
  }

  /** Sets one student's mark by hand, with a reason; the old and new values go to the audit trail. */
  async override(
    caller: AuthUser,
    id: string,
    employeeId: string,
    input: OverrideClassMarkDto,
  ): Promise<ClassSessionMarkDto> {
    const found = await this.repository.findInOrganization(caller.organizationId, id);
    await this.scope.assertMayTeach(caller, found.departmentId);
    const markId = await this.dataSource.transaction(async (manager) => {
      const session = await this.repository.lockInOrganization(manager, caller.organizationId, id);
      if (session.status === 'cancelled') throw ApiError.conflict('The session is cancelled; it cannot change');
      const existing = await this.repository.lockMark(manager, session.id, employeeId);
      const [person] = await this.people.roster(caller.organizationId, { ids: [employeeId] }, manager);
      const inClass = person?.kind === 'student' && person.departmentId === session.departmentId;
      if (!existing && !inClass) throw ApiError.notFound('Student of this session');
      const before = existing ? { status: existing.status, source: existing.source, reason: existing.reason } : null;
      const now = new Date();
      const mark =
        existing ??
        (
          await this.repository.insertNew(manager, [
            {
              organizationId: caller.organizationId,
              sessionId: session.id,
              employeeId,
              status: input.status,
              source: 'manual',
              markedAt: now,
              similarity: null,
              markedBy: caller.id,
            },
          ])
        )[0];
      Object.assign(mark, { status: input.status, source: 'manual', reason: input.reason, markedBy: caller.id });
      const saved = await this.repository.saveMark(manager, mark);
      await this.audit.record(
        {
          action: 'class_session.mark_overridden',
          entityType: 'class_session_mark',
          entityId: saved.id,
          oldValues: before,
          newValues: { session_id: session.id, employee_id: employeeId, status: saved.status, reason: input.reason },
        },
        manager,
      );
      await publishClassMark(this.events, manager, session, saved, person?.userId ?? null);
      return saved.id;
    });
    const mark = (await this.repository.marksOf(id)).find((row) => row.id === markId)!;
    const people = await this.people.identities(caller.organizationId, [employeeId]);
    return toClassSessionMarkDto(mark, people.get(employeeId) ?? null);
  }

  private async toDtos(organizationId: string, sessions: ClassSession[]): Promise<ClassSessionDto[]> {
    const statistics = await this.statistics.of(organizationId, sessions);
    const departments = await this.departments.summaries(
      organizationId,
      sessions.flatMap((session) => (session.departmentId ? [session.departmentId] : [])),
    );
    return sessions.map((session) =>
      toClassSessionDto(
        session,
        session.departmentId ? (departments.get(session.departmentId) ?? null) : null,
        statistics.get(session.id)!,
      ),
    );
  }

  private async assertValidTimes(organizationId: string, times: SessionTimes): Promise<void> {
    throwOnErrors(sessionTimeErrors(times, new Date(), await this.timeZoneOf(organizationId)));
  }

  private async timeZoneOf(organizationId: string): Promise<string> {
    return (await this.organizations.calendarOf(organizationId)).timeZone;
  }
}

/** 409 unless the session is still active. */
export function assertActive(session: ClassSession, change: string): void {
  if (session.status !== 'active') {
    throw ApiError.conflict(`The session is ${session.status}; it cannot be ${change}`);
  }
}

function throwOnErrors(errors: ReturnType<typeof sessionTimeErrors>): void {
  if (errors.length > 0) throw ApiError.badRequest('validation_error', "The session's times are not valid", errors);
}

function snapshot(session: ClassSession): Record<string, unknown> {
  return {
    department_id: session.departmentId,
    subject: session.subject,
    date: session.date,
    start_time: toHourMinute(session.startTime),
    end_time: toHourMinute(session.endTime),
    notes: session.notes,
    status: session.status,
  };
}
