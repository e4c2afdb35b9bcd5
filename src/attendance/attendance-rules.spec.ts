import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attendanceDate,
  DEFAULT_SCHEDULE,
  statusOf,
  workHours,
  type DayRules,
  type WorkSchedule,
} from './attendance-rules.js';
import { startOfLocalDay } from './local-time.js';

const kolkata = 'Asia/Kolkata'; // UTC+05:30, no daylight saving
const dayShift: WorkSchedule = { startTime: '09:00', endTime: '17:00', graceMinutes: 5, workingDays: [1, 2, 3, 4, 5] };
const nightShift: WorkSchedule = {
  startTime: '22:00',
  endTime: '06:00',
  graceMinutes: 0,
  workingDays: [1, 2, 3, 4, 5],
};

/** An instant given as Kolkata wall-clock time. */
const ist = (local: string) => new Date(`${local}+05:30`);

const rules = (date: string, schedule: WorkSchedule = dayShift, extra: Partial<DayRules> = {}): DayRules => ({
  date,
  schedule,
  timeZone: kolkata,
  holidays: [],
  onLeave: false,
  halfDayMinHours: 4,
  ...extra,
});

describe('attendanceDate', () => {
  it('is the local date in the organisation time zone, not the UTC one', () => {
    // 00:30 in Kolkata on Tuesday 2026-12-01 is still Monday 19:00 UTC.
    assert.equal(attendanceDate(ist('2026-12-01T00:30:00'), kolkata, dayShift), '2026-12-01');
    assert.equal(attendanceDate(ist('2026-11-30T23:59:59'), kolkata, dayShift), '2026-11-30');
  });

  it('counts the small hours of a shift across midnight for the day the shift started', () => {
    assert.equal(attendanceDate(ist('2026-12-01T21:50:00'), kolkata, nightShift), '2026-12-01');
    assert.equal(attendanceDate(ist('2026-12-02T03:00:00'), kolkata, nightShift), '2026-12-01');
    assert.equal(attendanceDate(ist('2026-12-02T06:20:00'), kolkata, nightShift), '2026-12-01');
    // After the middle of the off hours (14:00) the next shift's day has begun.
    assert.equal(attendanceDate(ist('2026-12-02T14:00:00'), kolkata, nightShift), '2026-12-02');
  });
});

describe('statusOf', () => {
  const monday = '2026-11-30';

  it('is present up to the last second of the grace period and late one second after', () => {
    assert.equal(statusOf({ checkInAt: ist(`${monday}T09:05:00`), checkOutAt: null }, rules(monday)), 'present');
    assert.equal(statusOf({ checkInAt: ist(`${monday}T09:05:01`), checkOutAt: null }, rules(monday)), 'late');
    assert.equal(statusOf({ checkInAt: ist(`${monday}T08:10:00`), checkOutAt: null }, rules(monday)), 'present');
  });

  it('measures lateness of a night shift across midnight', () => {
    const late = { checkInAt: ist('2026-12-01T00:30:00'), checkOutAt: null };
    assert.equal(statusOf(late, rules(monday, nightShift)), 'late');
    const onTime = { checkInAt: ist(`${monday}T21:58:00`), checkOutAt: ist('2026-12-01T06:02:00') };
    assert.equal(statusOf(onTime, rules(monday, nightShift)), 'present');
  });

  it('is half_day when the hours worked fall short, once the person has left', () => {
    const short = { checkInAt: ist(`${monday}T09:00:00`), checkOutAt: ist(`${monday}T12:59:00`) };
    assert.equal(statusOf(short, rules(monday)), 'half_day');
    const enough = { checkInAt: ist(`${monday}T09:00:00`), checkOutAt: ist(`${monday}T13:00:00`) };
    assert.equal(statusOf(enough, rules(monday)), 'present');
  });

  it('takes an out without an in as presence, with no hours', () => {
    const outOnly = { checkInAt: null, checkOutAt: ist(`${monday}T17:30:00`) };
    assert.equal(statusOf(outOnly, rules(monday)), 'present');
    assert.equal(workHours(outOnly), null);
  });

  it('is absent without any presence, excused on approved leave, present when they came anyway', () => {
    const none = { checkInAt: null, checkOutAt: null };
    assert.equal(statusOf(none, rules(monday)), 'absent');
    assert.equal(statusOf(none, rules(monday, dayShift, { onLeave: true })), 'excused');
    const came = { checkInAt: ist(`${monday}T09:00:00`), checkOutAt: null };
    assert.equal(statusOf(came, rules(monday, dayShift, { onLeave: true })), 'present');
  });

  it('is weekend or holiday on days that are not working days, whoever came', () => {
    const saturday = '2026-12-05';
    const came = { checkInAt: ist(`${saturday}T10:00:00`), checkOutAt: null };
    assert.equal(statusOf(came, rules(saturday)), 'weekend');
    assert.equal(statusOf({ checkInAt: null, checkOutAt: null }, rules(saturday)), 'weekend');
    assert.equal(statusOf(came, rules(monday, dayShift, { holidays: [monday] })), 'holiday');
  });

  it('uses a Monday-to-Friday 09:00-17:00 schedule for people without a shift', () => {
    assert.deepEqual(DEFAULT_SCHEDULE.workingDays, [1, 2, 3, 4, 5]);
    assert.equal(
      statusOf({ checkInAt: ist(`${monday}T09:01:00`), checkOutAt: null }, rules(monday, DEFAULT_SCHEDULE)),
      'late',
    );
  });
});

describe('workHours', () => {
  it('is the time between check-in and check-out in hours, to the hundredth', () => {
    assert.equal(workHours({ checkInAt: ist('2026-11-30T09:00:00'), checkOutAt: ist('2026-11-30T17:20:00') }), 8.33);
    assert.equal(workHours({ checkInAt: ist('2026-11-30T09:00:00'), checkOutAt: null }), null);
  });
});

describe('startOfLocalDay', () => {
  it('is local midnight in the zone, as a UTC instant', () => {
    assert.equal(startOfLocalDay('2026-12-01', kolkata).toISOString(), '2026-11-30T18:30:00.000Z');
    assert.equal(startOfLocalDay('2026-12-01', 'America/New_York').toISOString(), '2026-12-01T05:00:00.000Z');
    assert.equal(startOfLocalDay('2026-07-01', 'America/New_York').toISOString(), '2026-07-01T04:00:00.000Z');
  });
});
