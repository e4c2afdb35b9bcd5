import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../../common/api-error.js';
import { DepartmentsService } from '../../departments/departments.service.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { AttendanceCalendar } from '../attendance-calendar.js';
import { addDays, daysBetween, toLocalTime } from '../local-time.js';

/** The longest range statistics and reports cover, in days. */
export const MAX_REPORT_DAYS = 366;

/** What a figure or report covers: the organisation's records of `from`…`to` (local days), narrowed or not. */
export interface ReportScope {
  organizationId: string;
  timeZone: string;
  from: string;
  to: string;
  /** Days in the range, both ends included. */
  days: number;
  departmentId: string | null;
  departmentName: string | null;
  employeeId: string | null;
}

export interface ScopeQuery {
  date_from?: string;
  date_to?: string;
  department_id?: string;
  employee_id?: string;
}

/** Resolves and checks a query's range and filters: the range runs forwards, ids belong to the organisation (else 404). */
@Injectable()
export class ReportScopes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: AttendanceCalendar,
    private readonly departments: DepartmentsService,
    private readonly people: EmployeesService,
  ) {}

  /** Without dates: the `defaultDays` local days up to date_to, or up to today. */
  async resolve(organizationId: string, query: ScopeQuery, defaultDays = 30): Promise<ReportScope> {
    const timeZone = await this.calendar.timeZoneOf(organizationId, this.dataSource.manager);
    const to = query.date_to ?? toLocalTime(new Date(), timeZone).date;
    const from = query.date_from ?? addDays(to, 1 - defaultDays);
    if (from > to || daysBetween(from, to) >= MAX_REPORT_DAYS) {
      throw ApiError.badRequest(
        'validation_error',
        `The range must run forwards and cover at most ${MAX_REPORT_DAYS} days`,
        [
          {
            field: 'date_from',
            errors: [`date_from must be on or before date_to, at most ${MAX_REPORT_DAYS} days before`],
          },
        ],
      );
    }
    let departmentName: string | null = null;
    if (query.department_id) {
      const department = await this.departments.summaryOf(organizationId, query.department_id);
      if (!department) throw ApiError.notFound('Department');
      departmentName = department.name;
    }
    if (query.employee_id) await this.people.assertExists(organizationId, query.employee_id);
    return {
      organizationId,
      timeZone,
      from,
      to,
      days: daysBetween(from, to) + 1,
      departmentId: query.department_id ?? null,
      departmentName,
      employeeId: query.employee_id ?? null,
    };
  }
}

/** The SQL filter of a scope over `attendance_records` (parameters $1-$5) and its parameters. */
export function scopeFilter(scope: ReportScope): { where: string; params: unknown[] } {
  return {
    where: `organization_id = $1 AND date BETWEEN $2 AND $3
            AND ($4::uuid IS NULL OR department_id = $4) AND ($5::uuid IS NULL OR employee_id = $5)`,
    params: [scope.organizationId, scope.from, scope.to, scope.departmentId, scope.employeeId],
  };
}
