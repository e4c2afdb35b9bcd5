import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { DepartmentsService } from '../../departments/departments.service.js';
import { EmployeesService } from '../../employees/employees.service.js';
import { COUNT_COLUMNS, type CountRow, NO_COUNTS, toCounts } from './attendance-counts.js';
import type {
  AttendanceStatisticsDto,
  AttendanceStatisticsQuery,
  StatisticsGroup,
  StatisticsGroupDto,
  TrendPeriod,
} from './attendance-statistics.dto.js';
import { PERIOD_KEY_SQL, periodLabel, periodsOf } from './report-periods.js';
import { type ReportScope, ReportScopes, scopeFilter } from './report-scope.js';
import { SubjectStatistics } from './subject-statistics.js';

type KeyedRow = CountRow & { key: string | null };

/** Trend points by day up to this many days, by week beyond. */
const DAILY_TREND_MAX_DAYS = 92;

/**
 * Attendance counts over a range, overall, per group and as a trend. Every figure is a GROUP BY over the indexed
 * (organisation, date) columns of attendance_records; only one row per group reaches JavaScript.
 */
@Injectable()
export class AttendanceStatisticsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: ReportScopes,
    private readonly departments: DepartmentsService,
    private readonly people: EmployeesService,
    private readonly subjects: SubjectStatistics,
  ) {}

  async statistics(caller: AuthUser, query: AttendanceStatisticsQuery): Promise<AttendanceStatisticsDto> {
    const scope = await this.scopes.resolve(caller.organizationId, query);
    const groups = await this.groups(query.group_by, scope);
    const { where, params } = scopeFilter(scope);
    const [overall] = await this.dataSource.query<CountRow[]>(
      `SELECT ${COUNT_COLUMNS} FROM attendance_records WHERE ${where}`,
      params,
    );
    const trendPeriod = trendPeriodOf(query.group_by, scope.days);
    const trendRows: KeyedRow[] =
      query.group_by === trendPeriod ? groups : await this.countsBy(PERIOD_KEY_SQL[trendPeriod], scope);
    const byPeriod = new Map(trendRows.map((row) => [row.key, row]));
    return {
      group_by: query.group_by,
      date_from: scope.from,
      date_to: scope.to,
      overall: toCounts(overall),
      groups,
      trend_period: trendPeriod,
      trend: periodsOf(scope.from, scope.to, trendPeriod).map((period) => ({
        period_start: period.start,
        label: period.label,
        ...toCounts(byPeriod.get(period.key) ?? NO_COUNTS),
      })),
    };
  }

  private async groups(groupBy: StatisticsGroup, scope: ReportScope): Promise<StatisticsGroupDto[]> {
    switch (groupBy) {
      case 'day':
      case 'week':
      case 'month': {
        const rows = await this.countsBy(PERIOD_KEY_SQL[groupBy], scope);
        return rows
          .sort((a, b) => String(a.key).localeCompare(String(b.key)))
          .map((row) => ({ key: row.key, label: periodLabel(String(row.key), groupBy), ...toCounts(row) }));
      }
      case 'person': {
        const rows = await this.countsBy('employee_id::text', scope);
        const names = await this.people.namesOf(
          scope.organizationId,
          rows.flatMap((row) => (row.key ? [row.key] : [])),
        );
        return byLabel(
          rows.map((row) => {
            const name = row.key ? names.get(row.key) : undefined;
            return {
              key: row.key,
              label: name ? `${name.fullName} (${name.code})` : 'Unknown person',
              ...toCounts(row),
            };
          }),
        );
      }
      case 'department': {
        const rows = await this.countsBy('department_id::text', scope);
        const names = await this.departments.summaries(
          scope.organizationId,
          rows.flatMap((row) => (row.key ? [row.key] : [])),
        );
        return byLabel(
          rows.map((row) => ({
            key: row.key,
            label: row.key ? (names.get(row.key)?.name ?? 'Unknown department') : 'Unassigned',
            ...toCounts(row),
          })),
        );
      }
      case 'subject': {
        const rows = await this.subjects.countsBySubject(scope);
        return byLabel(rows.map((row) => ({ key: row.subject, label: row.subject, ...toCounts(row) })));
      }
    }
  }

  /** Counts per value of `keySql` (an expression over attendance_records) within the scope. */
  private countsBy(keySql: string, scope: ReportScope): Promise<KeyedRow[]> {
    const { where, params } = scopeFilter(scope);
    return this.dataSource.query<KeyedRow[]>(
      `SELECT ${keySql} AS key, ${COUNT_COLUMNS} FROM attendance_records WHERE ${where} GROUP BY 1`,
      params,
    );
  }
}

function trendPeriodOf(groupBy: StatisticsGroup, days: number): TrendPeriod {
  if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month') return groupBy;
  return days <= DAILY_TREND_MAX_DAYS ? 'day' : 'week';
}

/** In order of label; records without a department (key null) last. */
function byLabel(groups: StatisticsGroupDto[]): StatisticsGroupDto[] {
  return groups.sort((a, b) => Number(a.key === null) - Number(b.key === null) || a.label.localeCompare(b.label));
}
