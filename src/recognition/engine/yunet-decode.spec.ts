import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeYuNetStride, yunetLetterbox, type YuNetStrideOutputs } from './yunet-decode.js';

function emptyOutputs(cells: number): YuNetStrideOutputs {
  return {
    cls: new Float32Array(cells),
    obj: new Float32Array(cells),
    bbox: new Float32Array(cells * 4),
    kps: new Float32Array(cells * 10),
  };
}

void describe(yunetLetterbox.name, () => {
  const limits = { inputSize: 640, maxInputSize: 960, maxUpscale: 2 };

  void it('enlarges a smaller image to the input size and pads to multiples of 32', () => {
    const sut = yunetLetterbox(500, 332, limits);

    assert.equal(sut.inputWidth, 640);
    assert.equal(sut.inputHeight, 448); // 332 * 1.28 = 425 → 448
    assert.equal(sut.scaleX, 640 / 500);
    assert.equal(sut.scaleY, 425 / 332);
  });

  void it('enlarges a small image at most maxUpscale times', () => {
    const sut = yunetLetterbox(150, 150, limits);

    assert.deepEqual([sut.inputWidth, sut.inputHeight, sut.scaleX], [320, 320, 2]);
  });

  void it('keeps a mid-sized image at its size', () => {
    const sut = yunetLetterbox(800, 600, limits);

    assert.deepEqual([sut.inputWidth, sut.inputHeight, sut.scaleX, sut.scaleY], [800, 608, 1, 1]);
  });

  void it('shrinks a large image to the maximum input size and fits a fixed-shape model', () => {
    const dynamic = yunetLetterbox(2000, 1428, limits);
    const fixed = yunetLetterbox(2000, 1428, { ...limits, fixedSide: 640 });

    assert.deepEqual([dynamic.inputWidth, dynamic.inputHeight], [960, 704]); // 685.4 → 685 → 704
    assert.deepEqual([fixed.inputWidth, fixed.inputHeight], [640, 640]);
    assert.equal(fixed.scaleX, 640 / 2000);
  });
});

void describe(decodeYuNetStride.name, () => {
  const letterbox = { inputWidth: 64, inputHeight: 32, scaleX: 2, scaleY: 2 }; // stride 8: 8 x 4 cells

  void it('decodes a cell to a box, score and landmarks in image coordinates', () => {
    const outputs = emptyOutputs(32);
    const cell = 2 * 8 + 3; // row 2, column 3
    outputs.cls[cell] = 0.81;
    outputs.obj[cell] = 1;
    outputs.bbox.set([0.5, 0.25, Math.log(2), Math.log(3)], cell * 4);
    outputs.kps.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], cell * 10);

    const [face, ...others] = decodeYuNetStride(outputs, 8, letterbox, 0.9);

    assert.equal(others.length, 0);
    assert.ok(Math.abs(face.confidence - 0.9) < 1e-6);
    // centre (3.5 * 8, 2.25 * 8) = (28, 18), size 16 x 24, then / 2 for the letterbox scale
    const expected = [(28 - 8) / 2, (18 - 12) / 2, (28 + 8) / 2, (18 + 12) / 2];
    face.bbox.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-5, `bbox ${face.bbox.join(',')}`));
    assert.deepEqual(face.landmarks.left_eye, { x: 12, y: 8 });
    assert.deepEqual(face.landmarks.right_eye, { x: 16, y: 8 });
    assert.deepEqual(face.landmarks.nose, { x: 14, y: 10 });
    assert.deepEqual(face.landmarks.mouth_right, { x: 16, y: 12 });
  });

  void it('drops cells below the threshold and clamps scores to 0-1', () => {
    const outputs = emptyOutputs(32);
    outputs.cls.set([0.95, 1.5, -0.2]);
    outputs.obj.set([0.8, 1.2, 0.9]);

    const faces = decodeYuNetStride(outputs, 8, letterbox, 0.9);

    assert.deepEqual(
      faces.map((face) => face.confidence),
      [1],
    );
  });

  void it('refuses outputs that do not match the input size', () => {
    assert.throws(() => decodeYuNetStride(emptyOutputs(30), 8, letterbox, 0.9), /do not match 32 cells/);
  });
});
