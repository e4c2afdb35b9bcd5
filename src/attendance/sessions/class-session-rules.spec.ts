import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivalStatus, percentage, sessionTimeErrors, type SessionTimes } from './class-session-rules.js';

const kolkata = 'Asia/Kolkata'; // UTC+05:30, no daylight saving
/** An instant given as Kolkata wall-clock time. */
const ist = (local: string) => new Date(`${local}+05:30`);
/** Monday 2026-12-07, 10:00 in Kolkata (04:30 UTC). */
const NOW = ist('2026-12-07T10:00:00');

const times = (date: string, startTime: string, endTime: string): SessionTimes => ({ date, startTime, endTime });
const fields = (input: SessionTimes, now = NOW) =>
  Object.fromEntries(sessionTimeErrors(input, now, kolkata).map((error) => [error.field, error.errors]));

describe('sessionTimeErrors', () => {
  it('accepts a session later today, one under way, and one exactly 4 hours long', () => {
    assert.deepEqual(fields(times('2026-12-07', '11:00', '12:00')), {});
    assert.deepEqual(fields(times('2026-12-07', '09:30', '10:30')), {}, 'begun, not over');
    assert.deepEqual(fields(times('2026-12-08', '08:00', '12:00')), {}, '4 h exactly');
  });

  it('refuses an end before or at the start', () => {
    assert.deepEqual(Object.keys(fields(times('2026-12-08', '11:00', '10:59'))), ['end_time']);
    assert.deepEqual(Object.keys(fields(times('2026-12-08', '11:00', '11:00'))), ['end_time']);
  });

  it('refuses a session one minute over 4 hours', () => {
    assert.match(fields(times('2026-12-08', '08:00', '12:01')).end_time[0], /at most 4 hours/);
  });

  it('refuses the past: yesterday, and today once over (the organisation day, not the UTC one)', () => {
    assert.deepEqual(Object.keys(fields(times('2026-12-06', '11:00', '12:00'))), ['date']);
    assert.match(fields(times('2026-12-07', '08:00', '10:00')).end_time[0], /already be over/);
    // 00:20 on the 8th in Kolkata is still the 7th in UTC: the 7th is already yesterday there.
    const justAfterMidnight = ist('2026-12-08T00:20:00');
    assert.deepEqual(Object.keys(fields(times('2026-12-07', '22:00', '23:59'), justAfterMidnight)), ['date']);
    assert.deepEqual(fields(times('2026-12-08', '08:00', '09:00'), justAfterMidnight), {});
  });

  it('takes 30 days ahead, not 31', () => {
    assert.deepEqual(fields(times('2027-01-06', '08:00', '09:00')), {});
    assert.match(fields(times('2027-01-07', '08:00', '09:00')).date[0], /30 days ahead/);
  });

  it('names every wrong field at once', () => {
    assert.deepEqual(fields(times('2026-12-01', '10:00', '09:00')), {
      date: ['date must not be in the past'],
      end_time: ['end_time must be after start_time'],
    });
  });
});

describe('arrivalStatus', () => {
  const session = { date: '2026-12-07', startTime: '09:00' };
  it('is present up to the late minute (inclusive) and late after it', () => {
    assert.equal(arrivalStatus(ist('2026-12-07T08:50:00'), session, kolkata, 10), 'present');
    assert.equal(arrivalStatus(ist('2026-12-07T09:10:00'), session, kolkata, 10), 'present');
    assert.equal(arrivalStatus(ist('2026-12-07T09:10:01'), session, kolkata, 10), 'late');
  });

  it('reads the wall clock of the organisation, not UTC', () => {
    // 03:35 UTC is 09:05 in Kolkata: present; the same instant read as UTC would be before the start.
    assert.equal(arrivalStatus(new Date('2026-12-07T03:45:00Z'), session, kolkata, 10), 'late');
    assert.equal(arrivalStatus(new Date('2026-12-07T03:35:00Z'), session, kolkata, 10), 'present');
  });

  it('is late on a later day and present on an earlier one', () => {
    assert.equal(arrivalStatus(ist('2026-12-08T08:00:00'), session, kolkata, 10), 'late');
    assert.equal(arrivalStatus(ist('2026-12-06T23:00:00'), session, kolkata, 10), 'present');
  });
});

describe('percentage', () => {
  it('has one decimal and is 0 for an empty class', () => {
    assert.equal(percentage(2, 3), 66.7);
    assert.equal(percentage(0, 0), 0);
    assert.equal(percentage(8, 8), 100);
  });
});
