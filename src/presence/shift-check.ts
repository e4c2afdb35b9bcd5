import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { EmployeesService } from '../employees/employees.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { isOutsideShift } from './shift-window.js';

/** Tells which people were seen outside their shift, on the clocks of their organisation. */
@Injectable()
export class ShiftCheck {
  constructor(
    private readonly people: EmployeesService,
    private readonly organizations: OrganizationsService,
    private readonly config: AppConfig,
  ) {}

  /** The ids among `employeeIds` of people with a shift that `at` lies outside of (with the configured margin). */
  async outsideShift(
    organizationId: string,
    employeeIds: string[],
    at: Date,
    manager?: EntityManager,
  ): Promise<Set<string>> {
    if (employeeIds.length === 0) return new Set();
    const schedules = await this.people.shiftsOf(organizationId, employeeIds, manager);
    if (schedules.size === 0) return new Set();
    const { timeZone } = await this.organizations.calendarOf(organizationId, manager);
    const margin = this.config.presence.shiftMarginMinutes;
    return new Set(
      [...schedules].filter(([, schedule]) => isOutsideShift(schedule, at, timeZone, margin)).map(([id]) => id),
    );
  }
}
