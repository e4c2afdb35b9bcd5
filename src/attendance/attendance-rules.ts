import { addDays, daysBetween, minutesOf, isoWeekday, toLocalTime } from './local-time.js';

/** Every status a day record can have. */
export const ATTENDANCE_STATUSES = ['present', 'late', 'half_day', 'absent', 'excused', 'holiday', 'weekend'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** When a person is expected: a shift's times (organisation local `HH:MM`) and ISO working weekdays. */
export interface WorkSchedule {
  startTime: string;
  endTime: string;
  graceMinutes: number;
  workingDays: number[];
}

/** For people without a shift. */
export const DEFAULT_SCHEDULE: WorkSchedule = {
  startTime: '09:00',
  endTime: '17:00',
  graceMinutes: 0,
  workingDays: [1, 2, 3, 4, 5],
};

/** What decides one person's status on one day. */
export interface DayRules {
  /** The attendance day, `YYYY-MM-DD`. */
  date: string;
  schedule: WorkSchedule;
  timeZone: string;
  /** The organisation's holidays, `YYYY-MM-DD`. */
  holidays: readonly string[];
  /** Approved leave covers the day. */
  onLeave: boolean;
  /** Fewer hours than this between check-in and check-out make a half day. */
  halfDayMinHours: number;
}

export interface Attendance {
  checkInAt: Date | null;
  checkOutAt: Date | null;
}

const crossesMidnight = (schedule: WorkSchedule) => minutesOf(schedule.endTime) <= minutesOf(schedule.startTime);

/**
 * The day an event at `at` counts for: the organisation's local date, except that for a shift across midnight the
 * hours before the middle of the off time belong to the shift that began the evening before.
 */
export function attendanceDate(at: Date, timeZone: string, schedule: WorkSchedule): string {
  const local = toLocalTime(at, timeZone);
  if (!crossesMidnight(schedule)) return local.date;
  const end = minutesOf(schedule.endTime);
  const middleOfOffTime = end + (minutesOf(schedule.startTime) - end) / 2;
  return local.seconds < middleOfOffTime * 60 ? addDays(local.date, -1) : local.date;
}

/** `working`, or why the day is not one. */
export function dayKind(
  date: string,
  schedule: WorkSchedule,
  holidays: readonly string[],
): 'working' | 'holiday' | 'weekend' {
  if (holidays.includes(date)) return 'holiday';
  return schedule.workingDays.includes(isoWeekday(date)) ? 'working' : 'weekend';
}

/** Hours between check-in and check-out, to the hundredth; null unless both are known. */
export function workHours(attendance: Attendance): number | null {
  if (!attendance.checkInAt || !attendance.checkOutAt) return null;
  const hours = (attendance.checkOutAt.getTime() - attendance.checkInAt.getTime()) / 3_600_000;
  return Math.max(0, Math.round(hours * 100) / 100);
}

/**
 * The status of a day: `holiday`/`weekend` on days that are not working days; without any presence `excused` on
 * approved leave, else `absent`; `half_day` when the person left with fewer hours than the minimum; `late` when
 * the check-in came more than the grace period after the shift's start; otherwise `present` (also an out without an in).
 */
export function statusOf(attendance: Attendance, rules: DayRules): AttendanceStatus {
  const kind = dayKind(rules.date, rules.schedule, rules.holidays);
  if (kind !== 'working') return kind;
  if (!attendance.checkInAt && !attendance.checkOutAt) return rules.onLeave ? 'excused' : 'absent';
  const hours = workHours(attendance);
  if (hours !== null && hours < rules.halfDayMinHours) return 'half_day';
  if (attendance.checkInAt && secondsLate(attendance.checkInAt, rules) > rules.schedule.graceMinutes * 60)
    return 'late';
  return 'present';
}

/** Seconds from the shift's start on `rules.date` to `checkInAt` (negative when early). */
function secondsLate(checkInAt: Date, rules: DayRules): number {
  const local = toLocalTime(checkInAt, rules.timeZone);
  return daysBetween(rules.date, local.date) * 86_400 + local.seconds - minutesOf(rules.schedule.startTime) * 60;
}
