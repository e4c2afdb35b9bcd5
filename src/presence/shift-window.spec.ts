import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutsideShift, localClock } from './shift-window.js';

const weekdays = { startTime: '09:00', endTime: '17:00', graceMinutes: 10, workingDays: [1, 2, 3, 4, 5] };
const night = { startTime: '22:00', endTime: '06:00', graceMinutes: 0, workingDays: [1, 2, 3, 4, 5] };

describe(isOutsideShift.name, () => {
  it('reads the time on the clocks of the organisation', () => {
    // Monday 2025-03-03 03:30 UTC is 09:00 in Kolkata (UTC+5:30).
    assert.deepEqual(localClock(new Date('2025-03-03T03:30:00Z'), 'Asia/Kolkata'), { weekday: 1, minute: 540 });
    assert.deepEqual(localClock(new Date('2025-03-02T23:30:00Z'), 'UTC'), { weekday: 7, minute: 1410 });
  });

  it('accepts a working day inside the shift and within the margin around it', () => {
    const sut = (iso: string, margin = 30) => isOutsideShift(weekdays, new Date(iso), 'UTC', margin);
    assert.equal(sut('2025-03-03T12:00:00Z'), false, 'Monday noon');
    assert.equal(sut('2025-03-03T08:31:00Z'), false, '29 minutes early');
    assert.equal(sut('2025-03-03T17:30:00Z'), false, '30 minutes late');
    assert.equal(sut('2025-03-03T08:29:00Z'), true, '31 minutes early');
    assert.equal(sut('2025-03-03T17:31:00Z'), true, '31 minutes late');
    assert.equal(sut('2025-03-08T12:00:00Z'), true, 'Saturday is no working day');
  });

  it('takes the time zone into account', () => {
    // 12:00 UTC on a Monday is 17:30 in Kolkata: past the end with no margin, inside with 30 minutes.
    assert.equal(isOutsideShift(weekdays, new Date('2025-03-03T12:00:00Z'), 'Asia/Kolkata', 0), true);
    assert.equal(isOutsideShift(weekdays, new Date('2025-03-03T12:00:00Z'), 'Asia/Kolkata', 30), false);
  });

  it('runs a shift that ends before it starts past midnight, on the day it starts', () => {
    const sut = (iso: string) => isOutsideShift(night, new Date(iso), 'UTC', 0);
    assert.equal(sut('2025-03-03T23:00:00Z'), false, 'Monday night');
    assert.equal(sut('2025-03-04T05:00:00Z'), false, 'Tuesday early morning: Monday night shift');
    assert.equal(sut('2025-03-08T05:00:00Z'), false, "Saturday early morning: Friday's shift");
    assert.equal(sut('2025-03-08T23:00:00Z'), true, 'Saturday night is no shift');
    assert.equal(sut('2025-03-03T05:00:00Z'), true, "Monday early morning: Sunday's shift does not exist");
    assert.equal(sut('2025-03-03T12:00:00Z'), true, 'Monday noon');
  });
});
