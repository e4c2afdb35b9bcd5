import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentFaces } from './recent-faces.js';

const unit = (...values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};

describe(RecentFaces.name, () => {
  const at = new Date('2026-12-04T10:00:00Z');
  const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);

  it('guesses a face new until the camera showed one alike within the window', () => {
    const sut = new RecentFaces(60_000);
    const face = unit(1, 0, 0);
    assert.equal(sut.likelyNew('cam', face, at, 0.9), true);
    sut.remember('cam', [face], at);
    assert.equal(sut.likelyNew('cam', unit(1, 0.1, 0), later(30), 0.9), false, 'the same face again');
    assert.equal(sut.likelyNew('cam', unit(0, 1, 0), later(30), 0.9), true, 'another face');
    assert.equal(sut.likelyNew('other', face, later(30), 0.9), true, 'another camera');
    assert.equal(sut.likelyNew('cam', face, later(61), 0.9), true, 'after the window');
    assert.equal(sut.likelyNew('cam', face, later(-61), 0.9), true, 'long before (frame times may go back)');
  });

  it('keeps the newest faces of a camera only, and nothing with no window', () => {
    const sut = new RecentFaces(60_000);
    const first = unit(1, 0, 0);
    sut.remember('cam', [first], at);
    sut.remember(
      'cam',
      Array.from({ length: 16 }, (_, i) => unit(0, 1, i + 1)),
      later(1),
    );
    assert.equal(sut.likelyNew('cam', first, later(2), 0.99), true, 'pushed out by newer faces');
    const none = new RecentFaces(0);
    none.remember('cam', [first], at);
    assert.equal(none.likelyNew('cam', first, at, 0.9), true);
  });
});
