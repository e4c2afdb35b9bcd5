import { Injectable } from '@nestjs/common';
import { type EntityManager, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { RosterEntry } from '../employees/employees.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ShiftsService } from '../shifts/shifts.service.js';
import { DEFAULT_SCHEDULE, type DayRules, type WorkSchedule } from './attendance-rules.js';
import { LeaveRequest } from './leave/leave-request.entity.js';

/** Assembles what the attendance rules need for people of one organisation: schedules, time zone, leave. */
@Injectable()
export class AttendanceCalendar {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly shifts: ShiftsService,
    private readonly config: AppConfig,
  ) {}

  /** Each person's schedule (their shift's, or Monday-Friday 09:00-17:00), by person id. */
  async schedules(
    organizationId: string,
    people: Pick<RosterEntry, 'id' | 'shiftId'>[],
    manager: EntityManager,
  ): Promise<Map<string, WorkSchedule>> {
    const shiftIds = people.flatMap((person) => (person.shiftId ? [person.shiftId] : []));
    const shifts = await this.shifts.schedulesOf(organizationId, shiftIds, manager);
    return new Map(
      people.map((person) => [person.id, (person.shiftId && shifts.get(person.shiftId)) || DEFAULT_SCHEDULE]),
    );
  }

  /** The day rules of `date` for each person, by person id. */
  async rulesFor(
    organizationId: string,
    people: Pick<RosterEntry, 'id' | 'shiftId'>[],
    date: string,
    manager: EntityManager,
  ): Promise<Map<string, DayRules>> {
    const { timeZone, holidays } = await this.organizations.calendarOf(organizationId, manager);
    const schedules = await this.schedules(organizationId, people, manager);
    const onLeave = await this.peopleOnLeave(organizationId, date, manager);
    return new Map(
      people.map((person) => [
        person.id,
        {
          date,
          schedule: schedules.get(person.id) ?? DEFAULT_SCHEDULE,
          timeZone,
          holidays,
          onLeave: onLeave.has(person.id),
          halfDayMinHours: this.config.attendanceHalfDayHours,
        },
      ]),
    );
  }

  timeZoneOf(organizationId: string, manager: EntityManager): Promise<string> {
    return this.organizations.calendarOf(organizationId, manager).then((calendar) => calendar.timeZone);
  }

  /** People of the organisation with approved leave covering `date`. */
  private async peopleOnLeave(organizationId: string, date: string, manager: EntityManager): Promise<Set<string>> {
    const rows = await manager.getRepository(LeaveRequest).find({
      select: { employeeId: true },
      where: { organizationId, status: 'approved', startDate: LessThanOrEqual(date), endDate: MoreThanOrEqual(date) },
    });
    return new Set(rows.map((row) => row.employeeId));
  }
}
