import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactString } from './compact-string.js';

/** V8's garbage collector, reachable once --expose-gc is set (a fresh context picks the flag up). */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Heap bytes per id that stay in use while `count` ids built by `make` are held. */
function heapBytesPerId(count: number, make: () => string): number {
  const gc = exposeGc();
  gc();
  const before = getHeapStatistics().used_heap_size;
  const held = Array.from({ length: count }, make);
  gc();
  const bytes = getHeapStatistics().used_heap_size - before;
  assert.equal(held.length, count); // keeps `held` alive until measured
  return bytes / count;
}

/** An id concatenated from pieces, the way ids arrive from JSON fields and string templates. */
const concatenated = () => {
  const hex = randomUUID().replaceAll('-', '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

void describe(compactString.name, () => {
  void it('holds an id in a fraction of the memory the concatenated string took', () => {
    const count = 20_000;
    for (const make of [randomUUID, concatenated]) {
      const raw = heapBytesPerId(count, make);
      const compact = heapBytesPerId(count, () => compactString(make()));
      // A flat 36-character one-byte string is ~56 bytes on a 64-bit heap (an array slot adds 4-8).
      assert.ok(compact < 100, `${make.name}: ${compact.toFixed(0)} bytes per compacted id`);
      assert.ok(raw > 2 * compact, `${make.name}: ${raw.toFixed(0)} bytes raw vs ${compact.toFixed(0)} compacted`);
    }
  });

  void it('returns an equal string, also where UTF-8 cannot carry it (a lone surrogate)', () => {
    for (const value of ['', 'p1', concatenated(), 'émile-Ωmega-名前', '😀-id', 'id-\ud800', '\udfff'])
      assert.equal(compactString(value), value);
  });
});
