/**
 * Counts of attendance records by status, shared by statistics and report files. `COUNT_COLUMNS` is the SQL select
 * list over `attendance_records`; `toCounts` turns one row of it into the response shape.
 */
export const COUNT_COLUMNS = `
  count(*)::int AS records,
  count(*) FILTER (WHERE status = 'present')::int AS present,
  count(*) FILTER (WHERE status = 'late')::int AS late,
  count(*) FILTER (WHERE status = 'half_day')::int AS half_day,
  count(*) FILTER (WHERE status = 'absent')::int AS absent,
  count(*) FILTER (WHERE status = 'excused')::int AS excused,
  count(*) FILTER (WHERE status = 'holiday')::int AS holiday,
  count(*) FILTER (WHERE status = 'weekend')::int AS weekend,
  coalesce(round(sum(work_hours), 2), 0)::float8 AS work_hours`;

export interface CountRow {
  records: number;
  present: number;
  late: number;
  half_day: number;
  absent: number;
  excused: number;
  holiday: number;
  weekend: number;
  work_hours: number;
}

export class AttendanceCountsDto {
  /** Records in the range (one per person and day), whatever their status. */
  records: number;
  present: number;
  late: number;
  half_day: number;
  absent: number;
  excused: number;
  holiday: number;
  weekend: number;
  /** Records in which the person came: present, late or half day. */
  attended: number;
  /** Records of working days: all but weekend and holiday. */
  working_days: number;
  /** attended over working_days, 0-1 (3 decimals); 0 without working days. */
  attendance_rate: number;
  /** late over attended, 0-1 (3 decimals); 0 without attendances. */
  late_rate: number;
  /** Hours between check-in and check-out, summed. */
  work_hours: number;
}

export const NO_COUNTS: CountRow = {
  records: 0,
  present: 0,
  late: 0,
  half_day: 0,
  absent: 0,
  excused: 0,
  holiday: 0,
  weekend: 0,
  work_hours: 0,
};

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000);

export function toCounts(row: CountRow): AttendanceCountsDto {
  const attended = row.present + row.late + row.half_day;
  const workingDays = row.records - row.holiday - row.weekend;
  return {
    records: row.records,
    present: row.present,
    late: row.late,
    half_day: row.half_day,
    absent: row.absent,
    excused: row.excused,
    holiday: row.holiday,
    weekend: row.weekend,
    attended,
    working_days: workingDays,
    attendance_rate: ratio(attended, workingDays),
    late_rate: ratio(row.late, attended),
    work_hours: Number(row.work_hours),
  };
}

/** The sum of several count rows (a department's people, every department). */
export function addCounts(rows: CountRow[]): CountRow {
  const total = { ...NO_COUNTS };
  for (const row of rows) {
    for (const key of Object.keys(total) as (keyof CountRow)[]) total[key] += Number(row[key]);
  }
  total.work_hours = Math.round(total.work_hours * 100) / 100;
  return total;
}
