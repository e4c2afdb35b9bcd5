import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedFace } from './face.types.js';
import { iou, nonMaxSuppression } from './non-max-suppression.js';

function face(bbox: [number, number, number, number], confidence: number): DetectedFace {
  const point = { x: (bbox[0] + bbox[2]) / 2, y: (bbox[1] + bbox[3]) / 2 };
  return {
    bbox,
    confidence,
    landmarks: { left_eye: point, right_eye: point, nose: point, mouth_left: point, mouth_right: point },
  };
}

void describe(iou.name, () => {
  void it('is 1 for identical boxes', () => {
    assert.equal(iou([10, 10, 50, 50], [10, 10, 50, 50]), 1);
  });

  void it('is 0 for disjoint or touching boxes', () => {
    assert.equal(iou([0, 0, 10, 10], [20, 20, 30, 30]), 0);
    assert.equal(iou([0, 0, 10, 10], [10, 0, 20, 10]), 0);
  });

  void it('is intersection over union for partial overlap', () => {
    // 10x10 boxes shifted by 5 in x: intersection 50, union 150.
    assert.equal(iou([0, 0, 10, 10], [5, 0, 15, 10]), 50 / 150);
  });

  void it('is symmetric and handles a box inside another', () => {
    const outer: [number, number, number, number] = [0, 0, 20, 20];
    const inner: [number, number, number, number] = [5, 5, 15, 15];
    assert.equal(iou(outer, inner), 100 / 400);
    assert.equal(iou(inner, outer), iou(outer, inner));
  });

  void it('is 0 for an empty box', () => {
    assert.equal(iou([5, 5, 5, 5], [0, 0, 10, 10]), 0);
  });
});

void describe(nonMaxSuppression.name, () => {
  void it('keeps the highest-scoring face of an overlapping cluster', () => {
    const faces = [face([0, 0, 10, 10], 0.8), face([1, 1, 11, 11], 0.95), face([0, 1, 10, 11], 0.9)];

    const kept = nonMaxSuppression(faces, 0.3);

    assert.equal(kept.length, 1);
    assert.equal(kept[0].confidence, 0.95);
  });

  void it('keeps separate faces, sorted by confidence', () => {
    const faces = [face([0, 0, 10, 10], 0.7), face([100, 100, 120, 120], 0.99), face([50, 0, 60, 10], 0.8)];

    const kept = nonMaxSuppression(faces, 0.3);

    assert.deepEqual(
      kept.map((f) => f.confidence),
      [0.99, 0.8, 0.7],
    );
  });

  void it('keeps overlapping faces whose IoU is at or below the threshold', () => {
    const a = face([0, 0, 10, 10], 0.9);
    const b = face([5, 0, 15, 10], 0.8); // IoU 1/3 with a

    assert.equal(nonMaxSuppression([a, b], 0.4).length, 2);
    assert.equal(nonMaxSuppression([a, b], 0.3).length, 1);
  });

  void it('does not modify its input and accepts an empty list', () => {
    const faces = [face([0, 0, 10, 10], 0.5), face([0, 0, 10, 10], 0.9)];
    const copy = [...faces];

    nonMaxSuppression(faces, 0.3);

    assert.deepEqual(faces, copy);
    assert.deepEqual(nonMaxSuppression([], 0.3), []);
  });
});
