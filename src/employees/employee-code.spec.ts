import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { employeeCodePrefix, employeeCodeYear, formatEmployeeCode } from './employee-code.js';

describe(formatEmployeeCode.name, () => {
  it('pads the sequence to four digits', () => {
    assert.equal(formatEmployeeCode('ENG-2026', 1), 'ENG-2026-0001');
    assert.equal(formatEmployeeCode('ENG-2026', 42), 'ENG-2026-0042');
    assert.equal(formatEmployeeCode('ENG-2026', 9999), 'ENG-2026-9999');
  });

  it('keeps sequences past 9999 whole instead of truncating them', () => {
    assert.equal(formatEmployeeCode('ENG-2026', 12345), 'ENG-2026-12345');
  });
});

describe(employeeCodePrefix.name, () => {
  it("uses the department's code and the year", () => {
    assert.equal(employeeCodePrefix('ENG', 2026), 'ENG-2026');
  });

  it('falls back to GEN without a department', () => {
    assert.equal(employeeCodePrefix(null, 2025), 'GEN-2025');
  });
});

describe(employeeCodeYear.name, () => {
  it("takes the joining date's year when there is one", () => {
    assert.equal(employeeCodeYear('2019-07-01', new Date('2026-03-01T00:00:00Z')), 2019);
  });

  it('takes the current UTC year otherwise', () => {
    assert.equal(employeeCodeYear(undefined, new Date('2026-12-31T23:30:00Z')), 2026);
    assert.equal(employeeCodeYear(null, new Date('2027-01-01T00:30:00Z')), 2027);
  });
});
