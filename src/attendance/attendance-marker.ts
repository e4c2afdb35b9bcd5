import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EmployeesService } from '../employees/employees.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { AttendanceCalendar } from './attendance-calendar.js';
import { publishAttendanceMarked } from './attendance-marked.js';
import { type AttendanceSource, AttendanceRecord } from './attendance-record.entity.js';
import { statusOf, workHours } from './attendance-rules.js';

/** One sighting of a person that counts for attendance. */
export interface AttendanceMark {
  organizationId: string;
  employeeId: string;
  at: Date;
  /** `in` and `both` may be the day's check-in (the earliest), `out` the check-out (the latest). */
  direction: 'in' | 'out' | 'both';
  cameraId: string | null;
  locationId: string | null;
  confidence: number | null;
  livenessPassed: boolean | null;
  source: AttendanceSource;
}

/**
 * Turns sightings into the day's record: one row per person and local day, created on the first sighting and
 * updated under a row lock by the next ones, so two frames at once never make two records or lose a time.
 */
@Injectable()
export class AttendanceMarker {
  constructor(
    private readonly people: EmployeesService,
    private readonly calendar: AttendanceCalendar,
    private readonly events: DomainEventBus,
  ) {}

  /** Applies the sighting in `manager`'s transaction; null when the person is not (or no longer) active. */
  async mark(manager: EntityManager, mark: AttendanceMark): Promise<AttendanceRecord | null> {
    const [person] = await this.people.roster(mark.organizationId, { ids: [mark.employeeId] }, manager);
    if (!person) return null;
    const rules = await this.calendar.dayOf(mark.organizationId, person, mark.at, manager);
    const record = await this.lockDay(manager, mark, person.departmentId, rules.date);
    const previousCheckIn = record.checkInAt;
    if (mark.direction !== 'out' && (!record.checkInAt || mark.at < record.checkInAt)) record.checkInAt = mark.at;
    if (mark.direction === 'out' && (!record.checkOutAt || mark.at > record.checkOutAt)) record.checkOutAt = mark.at;
    if (!record.lastSeenAt || mark.at > record.lastSeenAt) record.lastSeenAt = mark.at;
    if (record.checkInAt !== previousCheckIn || !record.cameraId) {
      record.cameraId = mark.cameraId;
      record.locationId = mark.locationId;
      record.livenessPassed = mark.livenessPassed;
    }
    if (mark.confidence !== null) record.confidence = Math.max(record.confidence ?? 0, mark.confidence);
    // A status set by a person (a correction) stands; the times still follow what the cameras see.
    if (!record.correctedBy) record.status = statusOf(record, rules);
    record.workHours = workHours(record);
    await this.store(manager, record);
    await publishAttendanceMarked(this.events, manager, record, person.userId);
    return record;
  }

  /** Writes what a sighting changes, without the read TypeORM's `save` makes first (the row is locked and in hand). */
  private async store(manager: EntityManager, record: AttendanceRecord): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(AttendanceRecord)
      .set({
        checkInAt: record.checkInAt,
        checkOutAt: record.checkOutAt,
        lastSeenAt: record.lastSeenAt,
        cameraId: record.cameraId,
        locationId: record.locationId,
        livenessPassed: record.livenessPassed,
        confidence: record.confidence,
        status: record.status,
        workHours: record.workHours,
      })
      .where('id = :id', { id: record.id })
      .returning(['updatedAt'])
      .execute();
    const [row] = result.raw as { updated_at: string | Date }[];
    record.updatedAt = new Date(row.updated_at);
  }

  /** The person's record of `date`, created if missing, locked until the transaction ends. */
  private async lockDay(
    manager: EntityManager,
    mark: AttendanceMark,
    departmentId: string | null,
    date: string,
  ): Promise<AttendanceRecord> {
    const repository = manager.getRepository(AttendanceRecord);
    await repository
      .createQueryBuilder()
      .insert()
      .values({
        organizationId: mark.organizationId,
        employeeId: mark.employeeId,
        departmentId,
        date,
        status: 'absent',
        source: mark.source,
      })
      .orIgnore()
      .execute();
    return repository.findOneOrFail({
      where: { employeeId: mark.employeeId, date },
      lock: { mode: 'pessimistic_write' },
    });
  }
}
