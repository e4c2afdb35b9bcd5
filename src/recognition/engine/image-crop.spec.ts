import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbImage } from './face.types.js';
import { cropResizeToBgrPlanes, cropResizeToGrey } from './image-crop.js';

/** A width x height image whose pixel (x, y) is RGB (x, y, 7). */
function coordinateImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  }
  return { width, height, data };
}

function solidImage(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

void describe(cropResizeToBgrPlanes.name, () => {
  void it('copies the whole image at its own size into padded planes, as the resampling would', () => {
    const image: RgbImage = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };
    const target = { data: new Float32Array(3 * 4 * 3).fill(-1), offset: 0, planeWidth: 4, planeHeight: 3 };

    cropResizeToBgrPlanes(image, { x: 0, y: 0, width: 3, height: 2 }, 3, 2, target);

    const plane = (channel: number) => [
      ...[0, 1, 2].map((x) => image.data[x * 3 + channel]),
      -1,
      ...[0, 1, 2].map((x) => image.data[9 + x * 3 + channel]),
      -1,
      -1,
      -1,
      -1,
      -1,
    ];
    assert.deepEqual([...target.data], [...plane(2), ...plane(1), ...plane(0)]);
  });

  void it('writes B, G, R planes of the crop into the top-left of the target', () => {
    const image = coordinateImage(10, 8);
    const target = { data: new Float32Array(2 * 3 * 4 * 4), offset: 3 * 4 * 4, planeWidth: 4, planeHeight: 4 };

    cropResizeToBgrPlanes(image, { x: 3, y: 2, width: 3, height: 2 }, 3, 2, target);

    const plane = (channel: number, x: number, y: number) => target.data[48 + channel * 16 + y * 4 + x];
    assert.equal(plane(0, 0, 0), 7); // blue
    assert.equal(plane(1, 2, 1), 3); // green = source y
    assert.equal(plane(2, 2, 1), 5); // red = source x
    assert.equal(plane(2, 3, 0), 0); // outside the written region: untouched
    assert.ok(target.data.subarray(0, 48).every((value) => value === 0)); // the first batch item: untouched
  });

  void it('interpolates linearly when scaling up', () => {
    const image = coordinateImage(4, 4);
    const target = { data: new Float32Array(3 * 8 * 8), offset: 0, planeWidth: 8, planeHeight: 8 };

    cropResizeToBgrPlanes(image, { x: 0, y: 0, width: 4, height: 4 }, 8, 8, target);

    const red = (x: number) => target.data[2 * 64 + x];
    // Output centre x maps to source (x + 0.5) / 2 - 0.5: 0.25, 0.75, 1.25, ...
    assert.equal(red(0), 0);
    assert.equal(red(1), 0.25);
    assert.equal(red(2), 0.75);
    assert.equal(red(7), 3);
  });

  void it('aligns pixel centres when halving', () => {
    const image = coordinateImage(8, 8);
    const target = { data: new Float32Array(3 * 4 * 4), offset: 0, planeWidth: 4, planeHeight: 4 };

    cropResizeToBgrPlanes(image, { x: 0, y: 0, width: 8, height: 8 }, 4, 4, target);

    // Output pixel i covers source pixels 2i and 2i+1: its centre is at 2i + 0.5.
    assert.deepEqual([...target.data.subarray(2 * 16, 2 * 16 + 4)], [0.5, 2.5, 4.5, 6.5]);
  });

  void it('reads the edge pixels for a crop reaching outside the image', () => {
    const image = coordinateImage(10, 10);
    const target = { data: new Float32Array(3 * 4 * 4), offset: 0, planeWidth: 4, planeHeight: 4 };

    cropResizeToBgrPlanes(image, { x: -5, y: 0, width: 20, height: 10 }, 4, 4, target);

    const red = (x: number) => target.data[2 * 16 + x];
    assert.equal(red(0), 0);
    assert.equal(red(3), 9);
  });
});

void describe(cropResizeToGrey.name, () => {
  void it('gives BT.601 luma of a solid colour', () => {
    const grey = cropResizeToGrey(solidImage(20, 20, [200, 100, 50]), { x: 2, y: 2, width: 10, height: 10 }, 5, 5);

    const expected = 0.299 * 200 + 0.587 * 100 + 0.114 * 50;
    assert.ok(grey.every((value) => Math.abs(value - expected) < 1e-3));
  });

  void it('averages the footprint when shrinking, so a 1-px checkerboard becomes flat grey', () => {
    const size = 64;
    const data = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++)
      data.fill(((i % size) + Math.floor(i / size)) % 2 ? 255 : 0, i * 3, i * 3 + 3);

    const grey = cropResizeToGrey(
      { width: size, height: size, data },
      { x: 0, y: 0, width: size, height: size },
      16,
      16,
    );

    assert.ok(
      grey.every((value) => Math.abs(value - 127.5) < 1),
      `values ${grey[0]}, ${grey[1]}`,
    );
  });
});
