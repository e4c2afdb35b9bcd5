import { addDays, isoWeekday } from '../local-time.js';
import type { TrendPeriod } from './attendance-statistics.dto.js';

/** SQL giving the key of a record's period from its `date` column, in the format `periodsOf` returns. */
export const PERIOD_KEY_SQL: Record<TrendPeriod, string> = {
  day: `to_char(date, 'YYYY-MM-DD')`,
  // The ISO week's Monday, by date arithmetic (date_trunc would go through the session's time zone).
  week: `to_char(date - (extract(isodow FROM date)::int - 1), 'YYYY-MM-DD')`,
  month: `to_char(date, 'YYYY-MM')`,
};

export interface Period {
  /** `YYYY-MM-DD` (day, week: its Monday) or `YYYY-MM` (month), as PERIOD_KEY_SQL gives. */
  key: string;
  /** The period's first day, `YYYY-MM-DD`. */
  start: string;
  label: string;
}

/** Every period of `period` that meets `from`…`to`, in order. */
export function periodsOf(from: string, to: string, period: TrendPeriod): Period[] {
  const periods: Period[] = [];
  if (period === 'day') {
    for (let day = from; day <= to; day = addDays(day, 1)) periods.push({ key: day, start: day, label: day });
  } else if (period === 'week') {
    for (let monday = addDays(from, 1 - isoWeekday(from)); monday <= to; monday = addDays(monday, 7)) {
      periods.push({ key: monday, start: monday, label: isoWeekLabel(monday) });
    }
  } else {
    for (let month = from.slice(0, 7); `${month}-01` <= to; month = nextMonth(month)) {
      periods.push({ key: month, start: `${month}-01`, label: monthLabel(month) });
    }
  }
  return periods;
}

/** The label of the period with key `key`. */
export function periodLabel(key: string, period: TrendPeriod): string {
  if (period === 'week') return isoWeekLabel(key);
  if (period === 'month') return monthLabel(key);
  return key;
}

/** `2026-W48` for the ISO week beginning on Monday `monday`: the week belongs to the year of its Thursday. */
export function isoWeekLabel(monday: string): string {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const dayOfYear = (Date.parse(`${thursday}T00:00:00Z`) - Date.UTC(year, 0, 1)) / 86_400_000;
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}

/** `November 2026` for `2026-11`. */
export function monthLabel(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year, number - 1, 1)).toLocaleString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

function nextMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}
