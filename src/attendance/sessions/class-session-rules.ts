import { addDays, minutesOf, toLocalTime } from '../local-time.js';
import type { ClassMarkStatus } from './class-session-mark.entity.js';

/** The longest class session, in minutes. */
export const MAX_SESSION_MINUTES = 4 * 60;
/** How far ahead a session may be planned, in days. */
export const MAX_DAYS_AHEAD = 30;

/** When a session happens: its organisation-local day and `HH:MM` times. */
export interface SessionTimes {
  date: string;
  startTime: string;
  endTime: string;
}

/**
 * What is wrong with a session's times, per field (empty when nothing): the end after the start, at most
 * MAX_SESSION_MINUTES long, not over already (a session that has begun but not ended may still be created) and
 * at most MAX_DAYS_AHEAD days ahead of the organisation's today.
 */
/** A field and what is wrong with it; the error filter turns these into the API's `{ field, code, message }`. */
export interface FieldProblems {
  field: string;
  errors: string[];
}

export function sessionTimeErrors(times: SessionTimes, now: Date, timeZone: string): FieldProblems[] {
  const errors = new Map<string, string[]>();
  const add = (field: string, message: string) => errors.set(field, [...(errors.get(field) ?? []), message]);
  const start = minutesOf(times.startTime);
  const end = minutesOf(times.endTime);
  if (end <= start) add('end_time', 'end_time must be after start_time');
  else if (end - start > MAX_SESSION_MINUTES)
    add('end_time', `a session lasts at most ${MAX_SESSION_MINUTES / 60} hours`);
  const today = toLocalTime(now, timeZone);
  if (times.date < today.date) add('date', 'date must not be in the past');
  else if (times.date === today.date && end * 60 <= today.seconds) add('end_time', 'the session would already be over');
  if (times.date > addDays(today.date, MAX_DAYS_AHEAD)) {
    add('date', `date must be at most ${MAX_DAYS_AHEAD} days ahead`);
  }
  return [...errors].map(([field, messages]) => ({ field, errors: messages }));
}

/**
 * A student seen at `at` in the session is `late` once more than `lateAfterMinutes` have passed since its start
 * (wall clock of the organisation), else `present`; seen on a later day, late.
 */
export function arrivalStatus(
  at: Date,
  session: Pick<SessionTimes, 'date' | 'startTime'>,
  timeZone: string,
  lateAfterMinutes: number,
): Extract<ClassMarkStatus, 'present' | 'late'> {
  const local = toLocalTime(at, timeZone);
  if (local.date !== session.date) return local.date < session.date ? 'present' : 'late';
  return local.seconds > (minutesOf(session.startTime) + lateAfterMinutes) * 60 ? 'late' : 'present';
}

/** `HH:MM` of a PostgreSQL `time` (`HH:MM:SS`). */
export function toHourMinute(time: string): string {
  return time.slice(0, 5);
}

/** Share of `attended` in `total`, in percent with one decimal; 0 for an empty class. */
export function percentage(attended: number, total: number): number {
  return total === 0 ? 0 : Math.round((attended / total) * 1000) / 10;
}
