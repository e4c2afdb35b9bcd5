import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AffineMap, mirrorMap } from './affine-warp.js';
import {
  DLIB_CHIP_SIZE,
  extractChip,
  landmarkTemplateFromManifest,
  pointTemplateFromManifest,
  similarityChipMap,
  similarityFit,
} from './face-chip.js';
import type { FaceLandmarks, Point } from './face.types.js';

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

/** A made-up template (the embedder's comes from the model manifest). */
const TEMPLATE = {
  left_eye: { x: 45, y: 46 },
  right_eye: { x: 101, y: 48 },
  nose: { x: 73, y: 77 },
  mouth: { x: 73, y: 107 },
};

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

void describe(extractChip.name, () => {
  /** A grey image with a face placed by `place`: red left eye, green right eye, blue mouth, each a 7x7 square. */
  function paintedFace(place: (p: Point) => Point) {
    const width = 320;
    const height = 260;
    const data = new Uint8Array(width * height * 3).fill(128);
    const marks: [Point, [number, number, number]][] = [
      [TEMPLATE.left_eye, [255, 0, 0]],
      [TEMPLATE.right_eye, [0, 255, 0]],
      [TEMPLATE.mouth, [0, 0, 255]],
    ];
    for (const [chipPoint, rgb] of marks) {
      const p = place(chipPoint);
      for (let y = Math.round(p.y) - 3; y <= Math.round(p.y) + 3; y++) {
        for (let x = Math.round(p.x) - 3; x <= Math.round(p.x) + 3; x++) data.set(rgb, (y * width + x) * 3);
      }
    }
    const landmarks = landmarksFrom(
      place(TEMPLATE.left_eye),
      place(TEMPLATE.right_eye),
      place(TEMPLATE.nose),
      place(TEMPLATE.mouth),
    );
    return { image: { width, height, data }, landmarks, marks };
  }

  void it('puts the painted eyes and mouth of a rotated face on the template points', () => {
    const { image, landmarks, marks } = paintedFace(placeFace(-0.35, 1.2, { x: 80, y: 40 }));
    const chip = new Float32Array(DLIB_CHIP_SIZE * DLIB_CHIP_SIZE * 3);

    extractChip(image, similarityChipMap(landmarks, TEMPLATE), chip);

    for (const [expected, rgb] of marks) {
      const found = findColour(chip, DLIB_CHIP_SIZE, rgb);
      assert.ok(found, `mark ${rgb.join(',')} is in the chip`);
      assert.ok(
        Math.hypot(found.x - expected.x, found.y - expected.y) < 1,
        `mark ${rgb.join(',')} at ${JSON.stringify(found)}`,
      );
    }
  });

  void it('mirrors the chip left to right through mirrorMap, supersampling a large face', () => {
    const { image, landmarks, marks } = paintedFace(placeFace(0.2, 1.6, { x: 60, y: 20 }));
    const chip = new Float32Array(DLIB_CHIP_SIZE * DLIB_CHIP_SIZE * 3);

    extractChip(image, mirrorMap(similarityChipMap(landmarks, TEMPLATE), DLIB_CHIP_SIZE), chip);

    for (const [point, rgb] of marks) {
      const found = findColour(chip, DLIB_CHIP_SIZE, rgb);
      const expected = { x: DLIB_CHIP_SIZE - 1 - point.x, y: point.y };
      assert.ok(found, `mark ${rgb.join(',')} is in the chip`);
      assert.ok(
        Math.hypot(found.x - expected.x, found.y - expected.y) < 1,
        `mark ${rgb.join(',')} at ${JSON.stringify(found)}`,
      );
    }
  });
});

void describe(similarityChipMap.name, () => {
  void it('recovers the similarity that placed the template in the image', () => {
    const template = TEMPLATE;
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

void describe(pointTemplateFromManifest.name, () => {
  void it('reads the [x, y] pairs of the manifest, the mouth centre as the mouth', () => {
    const sut = pointTemplateFromManifest({
      left_eye: [45.74, 46.59],
      right_eye: [100.51, 47.31],
      nose: [73.53, 77.97],
      mouth_centre: [72.84, 107.51],
    });

    assert.deepEqual(sut, {
      left_eye: { x: 45.74, y: 46.59 },
      right_eye: { x: 100.51, y: 47.31 },
      nose: { x: 73.53, y: 77.97 },
      mouth: { x: 72.84, y: 107.51 },
    });
  });

  void it('refuses a manifest without template points or with a broken one', () => {
    assert.throws(() => pointTemplateFromManifest(undefined), /template_points.left_eye/);
    const points = { left_eye: [1, 2], right_eye: [3, 4], nose: [5, 6], mouth_centre: [7] };
    assert.throws(() => pointTemplateFromManifest(points), /template_points.mouth_centre/);
    assert.throws(() => pointTemplateFromManifest({ ...points, mouth_centre: [7, 'x'] }), /mouth_centre/);
  });
});

void describe(similarityFit.name, () => {
  void it('recovers the similarity that placed many points, and spreads the error of noisy ones', () => {
    const chip = Array.from({ length: 41 }, (_, i) => ({ x: 30 + ((i * 37) % 90), y: 40 + ((i * 53) % 80) }));
    const place = placeFace(-0.35, 1.7, { x: 210, y: 90 });

    const exact = similarityFit(chip, chip.map(place));
    for (const p of [chip[0], chip[40], { x: 0, y: 0 }, { x: 150, y: 150 }]) {
      const got = apply(exact, p);
      const want = place(p);
      assert.ok(Math.hypot(got.x - want.x, got.y - want.y) < 1e-9, JSON.stringify({ got, want }));
    }

    // One point 20 px off moves the fit by 20/41 px at its centroid, not by 20.
    const noisy = chip.map(place);
    noisy[7] = { x: noisy[7].x + 20, y: noisy[7].y };
    const shifted = apply(similarityFit(chip, noisy), { x: 75, y: 75 });
    const truth = place({ x: 75, y: 75 });
    assert.ok(Math.hypot(shifted.x - truth.x, shifted.y - truth.y) < 1.5);
  });
});

void describe(landmarkTemplateFromManifest.name, () => {
  const points = Array.from({ length: 41 }, (_, i) => [i, i + 0.5]);

  void it('reads points first_point..67 as chip points', () => {
    const sut = landmarkTemplateFromManifest({ first_point: 27, points });

    assert.equal(sut.firstPoint, 27);
    assert.equal(sut.points.length, 41);
    assert.deepEqual(sut.points[40], { x: 40, y: 40.5 });
  });

  void it('refuses a template that does not end at point 67, or with a broken pair', () => {
    assert.throws(() => landmarkTemplateFromManifest(undefined), /first_point/);
    assert.throws(() => landmarkTemplateFromManifest({ first_point: 26, points }), /up to point 67/);
    const broken = points.map((p, i) => (i === 5 ? [1, 'x'] : p));
    assert.throws(() => landmarkTemplateFromManifest({ first_point: 27, points: broken }), /points\[5\]/);
  });
});
