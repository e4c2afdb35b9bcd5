import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignFacesToPeople } from './face-assignment.js';

describe(assignFacesToPeople.name, () => {
  it('gives each face its best person when they differ', () => {
    const sut = assignFacesToPeople([
      { face: 0, personId: 'ann', similarity: 0.95 },
      { face: 1, personId: 'bob', similarity: 0.93 },
    ]);
    assert.equal(sut.get(0)?.personId, 'ann');
    assert.equal(sut.get(1)?.personId, 'bob');
  });

  it('never gives one person to two faces: the closer face wins, the other takes its next candidate', () => {
    const sut = assignFacesToPeople([
      { face: 0, personId: 'ann', similarity: 0.91 },
      { face: 1, personId: 'ann', similarity: 0.97 },
      { face: 0, personId: 'bob', similarity: 0.9 },
    ]);
    assert.equal(sut.get(1)?.personId, 'ann');
    assert.equal(sut.get(0)?.personId, 'bob');
  });

  it('leaves a face unassigned when its only candidate went to a better face', () => {
    const sut = assignFacesToPeople([
      { face: 0, personId: 'ann', similarity: 0.92 },
      { face: 1, personId: 'ann', similarity: 0.96 },
    ]);
    assert.equal(sut.has(0), false);
    assert.equal(sut.get(1)?.personId, 'ann');
  });

  it('returns nothing for no candidates', () => {
    assert.equal(assignFacesToPeople([]).size, 0);
  });
});
