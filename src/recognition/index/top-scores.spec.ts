import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TopScores } from './top-scores.js';

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Best score per key, then the k best keys: what distinct mode must return. */
function naiveDistinctTop(offers: Array<{ score: number; id: number; key: number }>, k: number): number[] {
  const best = new Map<number, number>();
  for (const { score, key } of offers) best.set(key, Math.max(best.get(key) ?? -Infinity, score));
  return [...best.values()].sort((a, b) => b - a).slice(0, k);
}

void describe(TopScores.name, () => {
  void it('keeps the k highest of random scores, best first', () => {
    const random = seededRandom(3);
    for (const k of [1, 4, 64]) {
      const scores = Array.from({ length: 500 }, () => random());
      const sut = new TopScores(k);
      scores.forEach((score, id) => sut.offer(score, id));
      const expected = [...scores].sort((a, b) => b - a).slice(0, k);
      assert.deepEqual(
        sut.sorted().map((entry) => entry.score),
        expected,
      );
      for (const entry of sut.sorted()) assert.equal(scores[entry.id], entry.score);
    }
  });

  void it('reports -Infinity as threshold until full, then the k-th best', () => {
    const sut = new TopScores(2);
    sut.offer(0.5, 0);
    assert.equal(sut.threshold, -Infinity);
    sut.offer(0.9, 1);
    sut.offer(0.7, 2);
    assert.equal(sut.threshold, 0.7);
  });

  void it('holds each key once with its best score in distinct mode, also after evictions', () => {
    const random = seededRandom(5);
    const keyPositions = new Int32Array(40).fill(-1);
    for (const k of [1, 3, 10, 3, 1]) {
      const offers = Array.from({ length: 3000 }, (_, id) => ({ score: random(), id, key: Math.floor(random() * 40) }));
      const sut = new TopScores(k, keyPositions);
      for (const { score, id, key } of offers) sut.offer(score, id, key);
      const entries = sut.sorted();
      assert.deepEqual(
        entries.map((entry) => entry.score),
        naiveDistinctTop(offers, k),
      );
      const keys = entries.map((entry) => offers[entry.id].key);
      assert.equal(new Set(keys).size, keys.length, 'a key held twice');
      sut.releaseKeys();
      assert.ok(
        keyPositions.every((position) => position === -1),
        'positions not released',
      );
    }
  });
});
