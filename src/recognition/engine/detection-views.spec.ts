import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paddedSide, planScales } from './detection-views.js';

const options = { trainedSize: 192, minFaceInInput: 12, minFaceSize: 20 };

void describe(planScales.name, () => {
  void it('fits the whole image into the trained size first', () => {
    const sut = planScales(1920, 1080, options);

    assert.equal(sut[0], 0.1);
  });

  void it('ends where a 20 px face is 12 model pixels, levels at most 4x apart', () => {
    const sut = planScales(1920, 1080, options);

    assert.equal(sut.length, 3);
    assert.ok(Math.abs(sut[2] - 0.6) < 1e-12);
    for (let i = 1; i < sut.length; i += 1) assert.ok(sut[i] / sut[i - 1] <= 4 + 1e-9);
  });

  void it('looks at a 640x480 photo twice: 192 px wide, then 384 px wide', () => {
    const sut = planScales(640, 480, options);

    assert.deepEqual(
      sut.map((s) => Math.round(640 * s)),
      [192, 384],
    );
  });

  void it('needs one level for a small photo whose faces are big enough at the trained size', () => {
    assert.deepEqual(planScales(250, 250, options), [192 / 250]);
  });

  void it('looks at the whole image only when no face size is asked for', () => {
    assert.deepEqual(planScales(1920, 1080, { ...options, minFaceSize: 0 }), [0.1]);
  });

  void it('enlarges a tiny image at most 2x beyond its whole-image fit', () => {
    const sut = planScales(64, 48, { ...options, minFaceSize: 4 });

    assert.equal(sut.at(-1), 3);
  });
});

void describe(paddedSide.name, () => {
  void it('rounds up to a multiple of 32, at least 32', () => {
    assert.deepEqual(
      [1, 32, 33, 144, 192].map((s) => paddedSide(s)),
      [32, 32, 64, 160, 192],
    );
  });
});
