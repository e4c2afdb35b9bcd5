import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestUnknown } from './unknown-faces.js';

function unit(...values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
}

describe(nearestUnknown.name, () => {
  const candidates = [
    { id: 'far', embedding: unit(0, 1, 0) },
    { id: 'near', embedding: unit(1, 0.2, 0) },
    { id: 'nearest', embedding: unit(1, 0.1, 0) },
  ];

  it('picks the most similar earlier face at or above the similarity', () => {
    assert.equal(nearestUnknown(unit(1, 0, 0), candidates, 0.9)?.id, 'nearest');
  });

  it('answers null when no earlier face is similar enough', () => {
    assert.equal(nearestUnknown(unit(0, 0, 1), candidates, 0.5), null);
    assert.equal(nearestUnknown(unit(1, 0, 0), [], 0.5), null);
  });

  it('counts a similarity exactly at the bar as the same face', () => {
    const sut = nearestUnknown(unit(1, 0, 0), [{ id: 'edge', embedding: unit(1, 0, 0) }], 1 - 1e-6);
    assert.equal(sut?.id, 'edge');
  });

  it('ignores embeddings of another size (another model)', () => {
    assert.equal(nearestUnknown(unit(1, 0, 0), [{ id: 'old', embedding: unit(1, 0) }], 0.1), null);
  });
});
