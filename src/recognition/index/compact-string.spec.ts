import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { compactString } from './compact-string.js';

void describe(compactString.name, () => {
  void it('returns an equal string', () => {
    for (const value of ['', 'p1', randomUUID(), 'émile-Ωmega-名前']) assert.equal(compactString(value), value);
  });

  void it('keeps a string UTF-8 cannot carry (lone surrogate) unchanged', () => {
    const value = 'id-\ud800';
    assert.equal(compactString(value), value);
  });
});
