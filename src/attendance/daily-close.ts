import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { JobQueue } from '../jobs/job-queue.js';
import { type JobDto, toJobDto } from '../jobs/job.dto.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { AttendanceCalendar } from './attendance-calendar.js';
import { publishAttendanceMarked } from './attendance-marked.js';
import { AttendanceRecord } from './attendance-record.entity.js';
import { statusOf, workHours } from './attendance-rules.js';
import { addDays, startOfLocalDay, toLocalTime } from './local-time.js';
import { ApiError } from '../common/api-error.js';

export interface DailyClosePayload {
  organizationId: string;
  /** `YYYY-MM-DD`, the organisation's local day to close. */
  date: string;
}

export interface DailyCloseResult {
  [key: string]: unknown;
  date: string;
  /** Records made for people nobody saw: absent, or excused on approved leave. */
  absent: number;
  excused: number;
  /** Records with a check-in and no check-out, given the last sighting as check-out. */
  closed_open_records: number;
}

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'attendance.close': { payload: DailyClosePayload; result: DailyCloseResult };
  }
}

/**
 * Ends an attendance day: every active person with no record on a working day gets one (`absent`, or `excused` on
 * approved leave), and open records are closed at their last sighting. Idempotent: records are inserted only where
 * none exists and closing a closed record changes nothing, so running it twice gives the same day.
 */
@Injectable()
export class DailyClose {
  constructor(
    private readonly dataSource: DataSource,
    private readonly people: EmployeesService,
    private readonly calendar: AttendanceCalendar,
    private readonly events: DomainEventBus,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
  ) {}

  /** Queues the close of `date` now (an admin's catch-up or re-run; the close is idempotent). */
  async queue(caller: AuthUser, date: string): Promise<JobDto> {
    const today = toLocalTime(
      new Date(),
      await this.calendar.timeZoneOf(caller.organizationId, this.dataSource.manager),
    ).date;
    if (date > today) {
      throw ApiError.badRequest('validation_error', 'A day can be closed once it has begun', [
        { field: 'date', errors: [`date must not be after today (${today})`] },
      ]);
    }
    const job = await this.jobs.enqueue(
      'attendance.close',
      { organizationId: caller.organizationId, date },
      // Per organisation: another organisation closing the same date is another job.
      {
        organizationId: caller.organizationId,
        createdBy: caller.id,
        idempotencyKey: `${caller.organizationId}:${date}`,
      },
    );
    await this.audit.record({
      action: 'attendance.close_started',
      entityType: 'job',
      entityId: job.id,
      newValues: { date },
    });
    return toJobDto(job);
  }

  @OnJob('attendance.close')
  async run({ organizationId, date }: DailyClosePayload): Promise<DailyCloseResult> {
    return this.dataSource.transaction(async (manager) => {
      const timeZone = await this.calendar.timeZoneOf(organizationId, manager);
      const dayEnd = startOfLocalDay(addDays(date, 1), timeZone);
      // People who did not exist yet when the day ended are not absent from it.
      const roster = (await this.people.roster(organizationId, {}, manager)).filter(
        (person) => person.createdAt < dayEnd,
      );
      const rules = await this.calendar.rulesFor(organizationId, roster, date, manager);
      const repository = manager.getRepository(AttendanceRecord);
      const result: DailyCloseResult = { date, absent: 0, excused: 0, closed_open_records: 0 };
      const now = new Date();
      for (const person of roster) {
        const status = statusOf({ checkInAt: null, checkOutAt: null }, rules.get(person.id)!);
        if (status !== 'absent' && status !== 'excused') continue; // weekends and holidays need no record
        const inserted = await repository
          .createQueryBuilder()
          .insert()
          .values({
            organizationId,
            employeeId: person.id,
            departmentId: person.departmentId,
            date,
            status,
            source: 'daily_close',
            closedAt: now,
          })
          .orIgnore()
          .returning('id')
          .execute();
        if ((inserted.raw as unknown[]).length === 0) continue;
        result[status] += 1;
        const record = await repository.findOneByOrFail({ employeeId: person.id, date });
        await publishAttendanceMarked(this.events, manager, record, person.userId);
      }
      const open = await repository.find({
        where: { organizationId, date, closedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      const users = new Map(roster.map((person) => [person.id, person.userId]));
      for (const record of open) {
        if (record.checkInAt && !record.checkOutAt && record.lastSeenAt && record.lastSeenAt > record.checkInAt) {
          record.checkOutAt = record.lastSeenAt;
          record.workHours = workHours(record);
          const personRules = rules.get(record.employeeId);
          if (personRules && !record.correctedBy) record.status = statusOf(record, personRules);
          result.closed_open_records += 1;
        }
        record.closedAt = now;
        await repository.save(record);
        await publishAttendanceMarked(this.events, manager, record, users.get(record.employeeId) ?? null);
      }
      return result;
    });
  }
}
