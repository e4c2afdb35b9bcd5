import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toQueryTime } from './date-query.js';

describe(toQueryTime.name, () => {
  it('reads ISO 8601 days and date-times; a bare day as an end bound is the whole day (UTC)', () => {
    assert.deepEqual(toQueryTime('2026-03-12', 'from'), new Date('2026-03-12T00:00:00.000Z'));
    assert.deepEqual(toQueryTime('2026-03-12', 'to'), new Date('2026-03-12T23:59:59.999Z'));
    assert.deepEqual(toQueryTime('2026-03-12T08:30:00Z', 'to'), new Date('2026-03-12T08:30:00.000Z'));
    assert.deepEqual(toQueryTime('2026-03-12T14:00+05:30', 'from'), new Date('2026-03-12T08:30:00.000Z'));
  });

  it('leaves everything else as it is, for the validator to refuse', () => {
    for (const value of ['03/12/2026', '12 March 2026', '2026-3-12', '1773302400000', '', 'today']) {
      assert.equal(toQueryTime(value, 'from'), value, value);
    }
    assert.equal(toQueryTime(undefined, 'to'), undefined);
  });
});
