import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { ApiError } from '../../common/api-error.js';
import { DepartmentsService } from '../../departments/departments.service.js';
import { AttendanceCalendar } from '../attendance-calendar.js';
import { addDays, daysBetween, toLocalTime } from '../local-time.js';
import type { AttendanceSummaryDto, AttendanceSummaryQuery, SummaryPeriod } from './attendance-summary.dto.js';

const PERIOD_DAYS: Record<SummaryPeriod, number> = { daily: 1, weekly: 7, monthly: 30 };
/** The longest range one summary covers. */
const MAX_DAYS = 366;
const CAME = `status IN ('present', 'late', 'half_day')`;

/** Attendance figures over a period, computed in SQL over the indexed (organisation, date) columns. */
@Injectable()
export class AttendanceSummaryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: AttendanceCalendar,
    private readonly departments: DepartmentsService,
  ) {}

  async summary(caller: AuthUser, query: AttendanceSummaryQuery): Promise<AttendanceSummaryDto> {
    const organizationId = caller.organizationId;
    const timeZone = await this.calendar.timeZoneOf(organizationId, this.dataSource.manager);
    const today = toLocalTime(new Date(), timeZone).date;
    const to = query.date_to ?? today;
    const from = query.date_from ?? addDays(to, 1 - PERIOD_DAYS[query.period]);
    if (from > to || daysBetween(from, to) >= MAX_DAYS) {
      throw ApiError.badRequest('validation_error', `The range must run forwards and cover at most ${MAX_DAYS} days`, [
        { field: 'date_from', errors: ['date_from must be on or before date_to, at most 366 days before'] },
      ]);
    }
    const filter = `organization_id = $1 AND date BETWEEN $2 AND $3 AND ($4::uuid IS NULL OR department_id = $4)`;
    const params = [organizationId, from, to, query.department_id ?? null];
    const [totals] = await this.dataSource.query<{ came: number; persons: number; working: number }[]>(
      `SELECT count(*) FILTER (WHERE ${CAME})::int AS came,
              count(DISTINCT employee_id) FILTER (WHERE ${CAME})::int AS persons,
              count(*) FILTER (WHERE status NOT IN ('weekend', 'holiday'))::int AS working
       FROM attendance_records WHERE ${filter}`,
      params,
    );
    const byDepartment = await this.dataSource.query<{ department_id: string | null; count: number }[]>(
      `SELECT department_id, count(*)::int AS count FROM attendance_records
       WHERE ${filter} AND ${CAME} GROUP BY department_id`,
      params,
    );
    const byHour = await this.dataSource.query<{ hour: number; count: number }[]>(
      `SELECT extract(hour FROM check_in_at AT TIME ZONE $5)::int AS hour, count(*)::int AS count
       FROM attendance_records WHERE ${filter} AND check_in_at IS NOT NULL GROUP BY 1 ORDER BY 1`,
      [...params, timeZone],
    );
    const names = await this.departments.summaries(
      organizationId,
      byDepartment.flatMap((row) => (row.department_id ? [row.department_id] : [])),
    );
    return {
      period: query.period,
      date_from: from,
      date_to: to,
      total_attendances: totals.came,
      unique_persons: totals.persons,
      attendance_rate: totals.working === 0 ? 0 : Math.round((totals.came / totals.working) * 1000) / 1000,
      departments: Object.fromEntries(
        byDepartment.map((row) => [
          row.department_id ? (names.get(row.department_id)?.name ?? 'Unknown') : 'Unassigned',
          row.count,
        ]),
      ),
      hourly_distribution: Object.fromEntries(
        byHour.map((row) => [`${String(row.hour).padStart(2, '0')}:00`, row.count]),
      ),
    };
  }
}
