import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AffineMap, mirrorMap, mirrorRows, warpAffine } from './affine-warp.js';
import type { RgbImage } from './face.types.js';

const IDENTITY: AffineMap = { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };

/** A width x height image whose pixel (x, y) is RGB (x, y, 7). */
function coordinateImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  }
  return { width, height, data };
}

void describe(warpAffine.name, () => {
  void it('copies pixels through the identity map', () => {
    const image = coordinateImage(6, 4);
    const out = new Float32Array(6 * 4 * 3);

    warpAffine(image, IDENTITY, 6, 4, out);

    assert.deepEqual([...out], [...image.data]);
  });

  void it('interpolates between pixels and reads black outside the image', () => {
    const image = coordinateImage(4, 4);
    const out = new Float32Array(2 * 3);

    warpAffine(image, { a: 1, b: 0, c: 0.5, d: 0, e: 1, f: 1.25 }, 1, 1, out, 0);
    warpAffine(image, { a: 1, b: 0, c: 10, d: 0, e: 1, f: 10 }, 1, 1, out, 3);

    assert.deepEqual([...out], [0.5, 1.25, 7, 0, 0, 0]);
  });

  void it('averages sub-samples when it shrinks', () => {
    const row = [0, 0, 0, 200, 100, 50];
    const image: RgbImage = { width: 2, height: 2, data: Uint8Array.from([...row, ...row]) };
    const out = new Float32Array(3);

    // One output pixel covers the 2x2 image: sub-samples land on the four pixel centres.
    warpAffine(image, { a: 2, b: 0, c: 0.5, d: 0, e: 2, f: 0.5 }, 1, 1, out, 0, 2);

    assert.deepEqual([...out], [100, 50, 25]);
  });
});

void describe(`${warpAffine.name} without rotation`, () => {
  void it('gives the same pixels as the general path, shrinking and enlarging, partly outside', () => {
    const width = 37;
    const height = 23;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const image: RgbImage = { width, height, data };
    for (const [scale, k] of [
      [2.7, 3],
      [0.4, 1],
    ]) {
      const aligned: AffineMap = { a: scale, b: 0, c: -3.3, d: 0, e: scale, f: 1.7 };
      // A rotation too small to move any sample sends warpAffine down its general path.
      const general: AffineMap = { ...aligned, b: 1e-300 };
      const fast = new Float32Array(20 * 15 * 3);
      const slow = new Float32Array(20 * 15 * 3);

      warpAffine(image, aligned, 20, 15, fast, 0, k);
      warpAffine(image, general, 20, 15, slow, 0, k);

      for (let i = 0; i < fast.length; i++) assert.ok(Math.abs(fast[i] - slow[i]) < 1e-3, `value ${i}`);
    }
  });
});

void describe(mirrorMap.name, () => {
  void it('reads each chip row backwards', () => {
    const image = coordinateImage(5, 3);
    const straight = new Float32Array(5 * 3 * 3);
    const mirrored = new Float32Array(5 * 3 * 3);

    warpAffine(image, IDENTITY, 5, 3, straight);
    warpAffine(image, mirrorMap(IDENTITY, 5), 5, 3, mirrored);

    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 5; x++) {
        const a = (y * 5 + x) * 3;
        const b = (y * 5 + (4 - x)) * 3;
        assert.deepEqual([...mirrored.subarray(a, a + 3)], [...straight.subarray(b, b + 3)]);
      }
    }
  });
});

void describe(mirrorRows.name, () => {
  void it('gives the pixels of a warp through the mirrored map, rotated, supersampled and partly outside', () => {
    const width = 41;
    const height = 29;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const image: RgbImage = { width, height, data };
    const rotated: AffineMap = { a: 1.6, b: -0.5, c: 3.2, d: 0.5, e: 1.6, f: -4.1 };
    const chip = new Float32Array(2 * 16 * 12 * 3);
    const warped = new Float32Array(16 * 12 * 3);

    warpAffine(image, rotated, 16, 12, chip, 0, 2);
    mirrorRows(chip, 16, 12, 0, 16 * 12 * 3);
    warpAffine(image, mirrorMap(rotated, 16), 16, 12, warped, 0, 2);

    const copied = chip.subarray(16 * 12 * 3);
    assert.ok(warped.some((value) => value > 0) && warped.some((value) => value === 0), 'inside and outside');
    for (let i = 0; i < warped.length; i++) assert.ok(Math.abs(copied[i] - warped[i]) < 1e-3, `value ${i}`);
  });
});
