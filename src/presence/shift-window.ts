import type { ShiftSchedule } from '../shifts/shift-schedule.js';

const MINUTES_PER_DAY = 24 * 60;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The ISO weekday (1 = Monday) and minute of the day of `at` on the clocks of `timeZone`. */
export function localClock(at: Date, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS[part('weekday')], minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * Whether `at` lies outside every working of the shift, each widened by `marginMinutes` on both sides. A shift
 * whose end is not after its start runs past midnight into the next day; it belongs to the day it starts on,
 * which must be one of its working days.
 */
export function isOutsideShift(schedule: ShiftSchedule, at: Date, timeZone: string, marginMinutes: number): boolean {
  const { weekday, minute } = localClock(at, timeZone);
  const start = minutesOf(schedule.startTime);
  let end = minutesOf(schedule.endTime);
  if (end <= start) end += MINUTES_PER_DAY;
  // The shift of yesterday may still run (overnight), tomorrow's may start within the margin before midnight.
  for (const dayOffset of [-1, 0, 1]) {
    const day = ((weekday - 1 + dayOffset + 7) % 7) + 1;
    if (!schedule.workingDays.includes(day)) continue;
    const from = dayOffset * MINUTES_PER_DAY + start - marginMinutes;
    const to = dayOffset * MINUTES_PER_DAY + end + marginMinutes;
    if (minute >= from && minute <= to) return false;
  }
  return true;
}
