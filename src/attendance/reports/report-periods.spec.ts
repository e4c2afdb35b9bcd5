import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoWeekLabel, monthLabel, periodsOf } from './report-periods.js';

describe('report periods', () => {
  it('names ISO weeks by the year of their Thursday', () => {
    assert.equal(isoWeekLabel('2026-11-23'), '2026-W48');
    assert.equal(isoWeekLabel('2025-12-29'), '2026-W01');
    assert.equal(isoWeekLabel('2020-12-28'), '2020-W53');
  });

  it('lists every week meeting the range, from the Monday of the first', () => {
    assert.deepEqual(
      periodsOf('2026-11-28', '2026-12-08', 'week').map((period) => [period.key, period.label]),
      [
        ['2026-11-23', '2026-W48'],
        ['2026-11-30', '2026-W49'],
        ['2026-12-07', '2026-W50'],
      ],
    );
  });

  it('lists days and months, across a year end', () => {
    assert.deepEqual(
      periodsOf('2026-12-30', '2027-01-02', 'day').map((period) => period.key),
      ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'],
    );
    assert.deepEqual(
      periodsOf('2026-11-15', '2027-01-01', 'month').map((period) => [period.key, period.start, period.label]),
      [
        ['2026-11', '2026-11-01', 'November 2026'],
        ['2026-12', '2026-12-01', 'December 2026'],
        ['2027-01', '2027-01-01', 'January 2027'],
      ],
    );
    assert.equal(monthLabel('2026-02'), 'February 2026');
  });
});
