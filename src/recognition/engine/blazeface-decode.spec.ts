import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blazeFaceAnchors, decodeBlazeFace, gridAnchors, weightedNonMaxSuppression } from './blazeface-decode.js';
import type { RawDetection } from './blazeface-decode.js';

void describe(blazeFaceAnchors.name, () => {
  void it('lists 16x16 cells x 2 then 8x8 cells x 6 anchors, row by row', () => {
    const sut = blazeFaceAnchors();

    assert.equal(sut.length, 896);
    assert.deepEqual(sut.slice(0, 3), [
      [8, 8],
      [8, 8],
      [24, 8],
    ]);
    assert.deepEqual(sut[32], [8, 24]);
    assert.deepEqual(sut[512], [16, 16]);
    assert.deepEqual(sut[518], [48, 16]);
    assert.deepEqual(sut[895], [240, 240]);
  });
});

void describe(gridAnchors.name, () => {
  void it('puts one anchor at the centre of each 4x4 cell, row by row', () => {
    const sut = gridAnchors(192, 160, 4);

    assert.equal(sut.length, 48 * 40);
    assert.deepEqual(sut[0], [2, 2]);
    assert.deepEqual(sut[1], [6, 2]);
    assert.deepEqual(sut[48], [2, 6]);
    assert.deepEqual(sut.at(-1), [190, 158]);
  });
});

void describe(decodeBlazeFace.name, () => {
  void it('offsets box and keypoints from the anchor and drops low scores', () => {
    const anchors: [number, number][] = [
      [100, 50],
      [10, 10],
    ];
    const scores = Float32Array.of(0.9, 0.2);
    const boxes = new Float32Array(32);
    boxes.set([2, -4, 40, 60, -10, -5, 10, -5, 0, 5, 0, 20, -20, 0, 20, 0]);

    const sut = decodeBlazeFace(scores, boxes, anchors, 0.5);

    assert.equal(sut.length, 1);
    assert.deepEqual(sut[0].box, [82, 16, 122, 76]);
    assert.deepEqual(sut[0].keypoints.slice(0, 4), [
      [90, 45],
      [110, 45],
      [100, 55],
      [100, 70],
    ]);
  });
});

void describe(weightedNonMaxSuppression.name, () => {
  const detection = (score: number, x: number): RawDetection => ({
    score,
    box: [x, 0, x + 10, 10],
    keypoints: [[x + 5, 5]],
  });

  void it('merges overlapping detections weighted by score and keeps separate ones', () => {
    const sut = weightedNonMaxSuppression([detection(0.25, 1), detection(0.75, 0), detection(0.6, 50)], 0.3);

    assert.equal(sut.length, 2);
    assert.equal(sut[0].score, 0.75);
    assert.ok(Math.abs(sut[0].box[0] - 0.25) < 1e-12);
    assert.ok(Math.abs(sut[0].keypoints[0][0] - 5.25) < 1e-12);
    assert.deepEqual(sut[1].box, [50, 0, 60, 10]);
  });
});
