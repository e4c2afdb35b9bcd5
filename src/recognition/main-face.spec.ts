import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainFace } from './main-face.js';

const face = (x: number, y: number, side: number) => ({ bbox: [x, y, x + side, y + side] as const });

describe(mainFace.name, () => {
  it('takes the face nearest the centre among faces at least half the largest one', () => {
    const subject = face(400, 200, 100);
    const bystander = face(850, 150, 130); // 1.69 times the subject's area, at the edge
    assert.equal(mainFace([bystander, subject], 1000, 500), subject);
  });

  it('takes a face over twice the area of the others wherever it is', () => {
    const close = face(800, 100, 160);
    const distant = face(450, 200, 100); // 0.39 of the close face's area, in the middle
    assert.equal(mainFace([distant, close], 1000, 500), close);
  });

  it('takes the only face, and none of no faces', () => {
    const only = face(0, 0, 50);
    assert.equal(mainFace([only], 1000, 500), only);
    assert.equal(mainFace([], 1000, 500), undefined);
  });
});
