import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { AttendanceCalendar } from '../attendance-calendar.js';
import { addDays, toLocalTime } from '../local-time.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export class WeekdayPatternDto {
  weekday: string;
  /** Attendances (present, late, half day) on that weekday over the range. */
  attendances: number;
  /** How many of those were late. */
  late: number;
  /** The local hour most check-ins fell in on that weekday (`HH:00`), or null. */
  peak_hour: string | null;
}

export class AttendancePatternsDto {
  date_from: string;
  date_to: string;
  weekdays: WeekdayPatternDto[];
}

/** Attendance and peak hour per weekday over the last weeks (default 8), in the organisation's time zone. */
@Injectable()
export class AttendancePatternsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: AttendanceCalendar,
  ) {}

  async patterns(caller: AuthUser, weeks = 8): Promise<AttendancePatternsDto> {
    const organizationId = caller.organizationId;
    const timeZone = await this.calendar.timeZoneOf(organizationId, this.dataSource.manager);
    const to = toLocalTime(new Date(), timeZone).date;
    const from = addDays(to, 1 - weeks * 7);
    const days = await this.dataSource.query<{ weekday: number; attendances: number; late: number }[]>(
      `SELECT extract(isodow FROM date)::int AS weekday,
              count(*) FILTER (WHERE status IN ('present', 'late', 'half_day'))::int AS attendances,
              count(*) FILTER (WHERE status = 'late')::int AS late
       FROM attendance_records WHERE organization_id = $1 AND date BETWEEN $2 AND $3 GROUP BY 1`,
      [organizationId, from, to],
    );
    const peaks = await this.dataSource.query<{ weekday: number; hour: number }[]>(
      `SELECT DISTINCT ON (weekday) weekday, hour FROM (
         SELECT extract(isodow FROM date)::int AS weekday, extract(hour FROM check_in_at AT TIME ZONE $4)::int AS hour,
                count(*) AS n
         FROM attendance_records
         WHERE organization_id = $1 AND date BETWEEN $2 AND $3 AND check_in_at IS NOT NULL GROUP BY 1, 2
       ) counted ORDER BY weekday, n DESC, hour`,
      [organizationId, from, to, timeZone],
    );
    return {
      date_from: from,
      date_to: to,
      weekdays: WEEKDAYS.map((weekday, i) => {
        const day = days.find((row) => row.weekday === i + 1);
        const peak = peaks.find((row) => row.weekday === i + 1);
        return {
          weekday,
          attendances: day?.attendances ?? 0,
          late: day?.late ?? 0,
          peak_hour: peak ? `${String(peak.hour).padStart(2, '0')}:00` : null,
        };
      }),
    };
  }
}
