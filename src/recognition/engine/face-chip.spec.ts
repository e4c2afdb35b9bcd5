import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DLIB_CHIP_SIZE,
  DLIB_TEMPLATE,
  dlibChipMap,
  extractChip,
  mirrorMap,
  similarityChipMap,
  warpAffine,
} from './face-chip.js';
import type { AffineMap } from './face-chip.js';
import type { FaceLandmarks, Point, RgbImage } from './face.types.js';

const IDENTITY: AffineMap = { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };

function coordinateImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x, y, 7], (y * width + x) * 3);
  }
  return { width, height, data };
}

/** Applies a chip → image map to a chip point. */
const apply = (m: AffineMap, p: Point): Point => ({ x: m.a * p.x + m.b * p.y + m.c, y: m.d * p.x + m.e * p.y + m.f });

/** Rotates and scales chip-space points into an image: a face at `angle` radians, `scale` image px per chip px. */
function placeFace(angle: number, scale: number, at: Point): (p: Point) => Point {
  const cos = Math.cos(angle) * scale;
  const sin = Math.sin(angle) * scale;
  return (p) => ({ x: at.x + cos * p.x - sin * p.y, y: at.y + sin * p.x + cos * p.y });
}

function landmarksFrom(eyeL: Point, eyeR: Point, nose: Point, mouth: Point): FaceLandmarks {
  return { left_eye: eyeL, right_eye: eyeR, nose, mouth_left: mouth, mouth_right: mouth };
}

/** Mean position of the chip pixels whose colour is close to `rgb`. */
function findColour(chip: Float32Array, size: number, rgb: [number, number, number]): Point | undefined {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 3;
      const dist = Math.abs(chip[at] - rgb[0]) + Math.abs(chip[at + 1] - rgb[1]) + Math.abs(chip[at + 2] - rgb[2]);
      if (dist < 60) {
        sx += x;
        sy += y;
        n += 1;
      }
    }
  }
  return n ? { x: sx / n, y: sy / n } : undefined;
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

void describe(dlibChipMap.name, () => {
  void it('levels the eyes, centres the face and sets its size for a rotated face', () => {
    const place = placeFace(0.5, 1.7, { x: 400, y: 300 });
    const landmarks = landmarksFrom(
      place({ x: -30, y: 0 }),
      place({ x: 30, y: 0 }),
      place({ x: 0, y: 30 }),
      place({ x: 0, y: 70 }),
    );
    const sut = dlibChipMap(landmarks);

    // Invert the map numerically by checking where chip points land: the eyes must be level in the chip.
    const toChip = invert(sut);
    const e1 = toChip(landmarks.left_eye);
    const e2 = toChip(landmarks.right_eye);
    const m = toChip(landmarks.mouth_left);
    assert.ok(Math.abs(e1.y - e2.y) < 1e-9, 'eyes level');
    assert.ok(e1.x < e2.x, 'image-left eye stays on the left');
    const centroid = { x: (e1.x + e2.x + m.x) / 3, y: (e1.y + e2.y + m.y) / 3 };
    assert.ok(Math.abs(centroid.x - DLIB_TEMPLATE.centroidX * DLIB_CHIP_SIZE) < 1e-9);
    assert.ok(Math.abs(centroid.y - DLIB_TEMPLATE.centroidY * DLIB_CHIP_SIZE) < 1e-9);
    const eyeMouth = (Math.hypot(e1.x - m.x, e1.y - m.y) + Math.hypot(e2.x - m.x, e2.y - m.y)) / 2;
    assert.ok(Math.abs(eyeMouth - DLIB_TEMPLATE.eyeMouthRatio * DLIB_CHIP_SIZE) < 1e-9);
  });
});

void describe(extractChip.name, () => {
  void it('puts painted eye and mouth marks where the template says, eyes level', () => {
    const width = 320;
    const height = 260;
    const data = new Uint8Array(width * height * 3).fill(128);
    const place = placeFace(-0.35, 1.2, { x: 170, y: 120 });
    const marks: [Point, [number, number, number]][] = [
      [place({ x: -30, y: 0 }), [255, 0, 0]],
      [place({ x: 30, y: 0 }), [0, 255, 0]],
      [place({ x: 0, y: 70 }), [0, 0, 255]],
    ];
    for (const [p, rgb] of marks) {
      for (let y = Math.round(p.y) - 3; y <= Math.round(p.y) + 3; y++) {
        for (let x = Math.round(p.x) - 3; x <= Math.round(p.x) + 3; x++) data.set(rgb, (y * width + x) * 3);
      }
    }
    const landmarks = landmarksFrom(marks[0][0], marks[1][0], place({ x: 0, y: 35 }), marks[2][0]);
    const chip = new Float32Array(DLIB_CHIP_SIZE * DLIB_CHIP_SIZE * 3);

    extractChip({ width, height, data }, dlibChipMap(landmarks), chip);

    const toChip = invert(dlibChipMap(landmarks));
    for (const [p, rgb] of marks) {
      const found = findColour(chip, DLIB_CHIP_SIZE, rgb);
      const expected = toChip(p);
      assert.ok(found, `mark ${rgb.join(',')} is in the chip`);
      assert.ok(
        Math.hypot(found.x - expected.x, found.y - expected.y) < 1,
        `mark ${rgb.join(',')} at ${JSON.stringify(found)}`,
      );
    }
    const red = findColour(chip, DLIB_CHIP_SIZE, [255, 0, 0]);
    const green = findColour(chip, DLIB_CHIP_SIZE, [0, 255, 0]);
    assert.ok(red && green && Math.abs(red.y - green.y) < 1 && red.x < green.x);
  });
});

void describe(similarityChipMap.name, () => {
  void it('recovers the similarity that placed the template in the image', () => {
    const template = {
      left_eye: { x: 45, y: 46 },
      right_eye: { x: 101, y: 46 },
      nose: { x: 73, y: 77 },
      mouth: { x: 73, y: 107 },
    };
    const place = placeFace(0.2, 2.5, { x: 50, y: 20 });
    const landmarks = landmarksFrom(
      place(template.left_eye),
      place(template.right_eye),
      place(template.nose),
      place(template.mouth),
    );

    const sut = similarityChipMap(landmarks, template);

    for (const p of [template.left_eye, template.nose, { x: 0, y: 0 }, { x: 150, y: 150 }]) {
      const got = apply(sut, p);
      const want = place(p);
      assert.ok(Math.hypot(got.x - want.x, got.y - want.y) < 1e-9, JSON.stringify({ got, want }));
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

/** Inverse of an affine map, as a function from image points to chip points. */
function invert(m: AffineMap): (p: Point) => Point {
  const det = m.a * m.e - m.b * m.d;
  return (p) => {
    const x = p.x - m.c;
    const y = p.y - m.f;
    return { x: (m.e * x - m.b * y) / det, y: (-m.d * x + m.a * y) / det };
  };
}
