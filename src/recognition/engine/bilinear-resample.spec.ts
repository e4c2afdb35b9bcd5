import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AxisTaps, axisTaps, positionTaps } from './bilinear-resample.js';

/** The taps of each output as [index, weight] pairs, without the padding of weight 0. */
function tapsOf(taps: AxisTaps): [number, number][][] {
  return Array.from({ length: taps.count }, (_, o) =>
    Array.from({ length: taps.perOutput }, (_, i): [number, number] => [
      taps.index[o * taps.perOutput + i],
      taps.weight[o * taps.perOutput + i],
    ]).filter(([, weight]) => weight > 0),
  );
}

void describe(positionTaps.name, () => {
  void it('mixes the two pixels around a position linearly and leaves out a tap of weight 0', () => {
    const index = new Int32Array(4);
    const weight = new Float64Array(4);

    assert.equal(positionTaps(2.25, 10, 'zero', 1, index, weight, 0), 2);
    assert.equal(positionTaps(3, 10, 'zero', 2, index, weight, 2), 1);

    assert.deepEqual([...index.subarray(0, 3)], [2, 3, 3]);
    assert.deepEqual([...weight.subarray(0, 3)], [0.75, 0.25, 0.5]);
  });

  void it('drops taps outside the axis with zero edges and reads the edge pixel with clamped ones', () => {
    const index = new Int32Array(2);
    const weight = new Float64Array(2);

    assert.equal(positionTaps(-0.25, 10, 'zero', 1, index, weight, 0), 1);
    assert.deepEqual([index[0], weight[0]], [0, 0.75]);
    assert.equal(positionTaps(-3, 10, 'zero', 1, index, weight, 0), 0);
    assert.equal(positionTaps(-0.25, 10, 'clamp', 1, index, weight, 0), 1);
    assert.deepEqual([index[0], weight[0]], [0, 1]);
    assert.equal(positionTaps(12, 10, 'clamp', 1, index, weight, 0), 1);
    assert.deepEqual([index[0], weight[0]], [9, 1]);
  });
});

void describe(axisTaps.name, () => {
  void it('maps an unscaled axis onto whole source pixels', () => {
    const sut = axisTaps(4, 1, 2, 10, 'clamp');

    assert.deepEqual(tapsOf(sut), [[[2, 1]], [[3, 1]], [[4, 1]], [[5, 1]]]);
  });

  void it('averages sub-samples spread over each output footprint', () => {
    // Halving with 2 sub-samples: output o covers source pixels 2o and 2o + 1, one sub-sample on each centre.
    const sut = axisTaps(2, 2, 0.5, 4, 'zero', 2);

    assert.deepEqual(tapsOf(sut), [
      [
        [0, 0.5],
        [1, 0.5],
      ],
      [
        [2, 0.5],
        [3, 0.5],
      ],
    ]);
  });
});
