import { Injectable } from '@nestjs/common';
import { type EntityManager, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { RosterEntry } from '../employees/employees.service.js';
import { type OrganizationCalendar, OrganizationsService } from '../organizations/organizations.service.js';
import { ShiftsService } from '../shifts/shifts.service.js';
import { attendanceDate, DEFAULT_SCHEDULE, type DayRules, type WorkSchedule } from './attendance-rules.js';
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
    const calendar = await this.organizations.calendarOf(organizationId, manager);
    const schedules = await this.schedules(organizationId, people, manager);
    const onLeave = await this.peopleOnLeave(organizationId, date, manager);
    return new Map(
      people.map((person) => [
        person.id,
        this.dayRules(date, schedules.get(person.id) ?? DEFAULT_SCHEDULE, calendar, onLeave.has(person.id)),
      ]),
    );
  }

  /**
   * The attendance day `at` falls on for one person (by their shift, in the organisation's time zone) and its rules,
   * reading the organisation, the shift and the person's leave once each: what marking a sighting needs.
   */
  async dayOf(
    organizationId: string,
    person: Pick<RosterEntry, 'id' | 'shiftId'>,
    at: Date,
    manager: EntityManager,
  ): Promise<DayRules> {
    const calendar = await this.organizations.calendarOf(organizationId, manager);
    const schedule = (await this.schedules(organizationId, [person], manager)).get(person.id)!;
    const date = attendanceDate(at, calendar.timeZone, schedule);
    const onLeave = await this.peopleOnLeave(organizationId, date, manager, person.id);
    return this.dayRules(date, schedule, calendar, onLeave.has(person.id));
  }

  private dayRules(date: string, schedule: WorkSchedule, calendar: OrganizationCalendar, onLeave: boolean): DayRules {
    const { timeZone, holidays } = calendar;
    return { date, schedule, timeZone, holidays, onLeave, halfDayMinHours: this.config.attendanceHalfDayHours };
  }

  timeZoneOf(organizationId: string, manager: EntityManager): Promise<string> {
    return this.organizations.calendarOf(organizationId, manager).then((calendar) => calendar.timeZone);
  }

  /** People of the organisation (or just `employeeId`) with approved leave covering `date`. */
  private async peopleOnLeave(
    organizationId: string,
    date: string,
    manager: EntityManager,
    employeeId?: string,
  ): Promise<Set<string>> {
    const rows = await manager.getRepository(LeaveRequest).find({
      select: { employeeId: true },
      where: {
        organizationId,
        ...(employeeId ? { employeeId } : {}),
        status: 'approved',
        startDate: LessThanOrEqual(date),
        endDate: MoreThanOrEqual(date),
      },
    });
    return new Set(rows.map((row) => row.employeeId));
  }
}
