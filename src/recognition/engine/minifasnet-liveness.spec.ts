import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedFace } from './face.types.js';
import { silentFaceCropBox, softmaxAt } from './minifasnet-liveness.js';

function face(bbox: [number, number, number, number]): DetectedFace {
  const point = { x: 0, y: 0 };
  return {
    bbox,
    confidence: 1,
    landmarks: { left_eye: point, right_eye: point, nose: point, mouth_left: point, mouth_right: point },
  };
}

void describe(silentFaceCropBox.name, () => {
  void it('scales the face box around its centre', () => {
    // 100x100 box centred at (500, 400) in a 1000x800 image, scale 2.7: 270x270 around the centre.
    const sut = silentFaceCropBox(1000, 800, face([450, 350, 550, 450]), 2.7);

    assert.deepEqual(sut, { x: 365, y: 265, width: 271, height: 271 });
  });

  void it('shifts the box back inside the image at an edge, keeping its size', () => {
    const sut = silentFaceCropBox(1000, 800, face([0, 700, 100, 800]), 4);

    assert.equal(sut.x, 0);
    assert.equal(sut.y + sut.height - 1, 799);
    assert.equal(sut.width, 401);
    assert.equal(sut.height, 401);
  });

  void it('uses a smaller scale when the scaled box would not fit the image', () => {
    // 4x a 200-px box is 800 px, but the image is 480 px high: scale = 479 / 200.
    const sut = silentFaceCropBox(640, 480, face([220, 140, 420, 340]), 4);

    assert.equal(sut.y, 0);
    assert.equal(sut.height, 480);
    assert.ok(sut.x >= 0 && sut.x + sut.width <= 640);
    assert.equal(sut.width, 480);
  });
});

void describe(softmaxAt.name, () => {
  void it('gives the softmax probability of one class in a row', () => {
    const logits = new Float32Array([9, 9, 9, 0, Math.log(3), 0]);

    assert.ok(Math.abs(softmaxAt(logits, 0, 3, 1) - 1 / 3) < 1e-6);
    assert.ok(Math.abs(softmaxAt(logits, 3, 3, 1) - 0.6) < 1e-6);
  });

  void it('is stable for large logits', () => {
    assert.ok(Math.abs(softmaxAt(new Float32Array([1000, 1000, 0]), 0, 3, 1) - 0.5) < 1e-6);
  });
});
