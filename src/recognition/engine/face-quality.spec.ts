import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedFace, FaceLandmarks, Point, RgbImage } from './face.types.js';
import {
  DEFAULT_QUALITY_THRESHOLDS,
  ENROLLMENT_QUALITY_THRESHOLDS,
  FaceQualityAssessor,
  estimatePose,
  isFaceSizeReason,
  laplacianVariance,
} from './face-quality.js';

const SIZE = 200;

/** A grey image filled by `shade(x, y)` (0-255). */
function greyImage(shade: (x: number, y: number) => number, size = SIZE): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) data.fill(shade(x, y), (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return { width: size, height: size, data };
}

/** 4-px black and white squares. */
const checkerboard = (x: number, y: number) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 230 : 25);

/** The checkerboard averaged over a 9x9 window: the same pattern, out of focus. */
function blurred(x: number, y: number): number {
  let sum = 0;
  for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) sum += checkerboard(x + dx, y + dy);
  return sum / 81;
}

/** An upright frontal face: eyes 40 px apart, nose and mouth on the midline. */
function frontalLandmarks(): FaceLandmarks {
  return {
    left_eye: { x: 80, y: 80 },
    right_eye: { x: 120, y: 80 },
    nose: { x: 100, y: 105 },
    mouth_left: { x: 85, y: 125 },
    mouth_right: { x: 115, y: 125 },
  };
}

function rotated(landmarks: FaceLandmarks, degrees: number, centre: Point = { x: 100, y: 100 }): FaceLandmarks {
  const angle = (degrees * Math.PI) / 180;
  const turn = (p: Point): Point => ({
    x: centre.x + (p.x - centre.x) * Math.cos(angle) - (p.y - centre.y) * Math.sin(angle),
    y: centre.y + (p.x - centre.x) * Math.sin(angle) + (p.y - centre.y) * Math.cos(angle),
  });
  return {
    left_eye: turn(landmarks.left_eye),
    right_eye: turn(landmarks.right_eye),
    nose: turn(landmarks.nose),
    mouth_left: turn(landmarks.mouth_left),
    mouth_right: turn(landmarks.mouth_right),
  };
}

function face(bbox: [number, number, number, number], landmarks = frontalLandmarks()): DetectedFace {
  return { bbox, confidence: 0.95, landmarks };
}

void describe(estimatePose.name, () => {
  void it('gives zero yaw and roll for a frontal upright face', () => {
    const pose = estimatePose(frontalLandmarks());

    assert.ok(Math.abs(pose.yaw) < 1e-9);
    assert.ok(Math.abs(pose.roll) < 1e-9);
  });

  void it('gives positive roll when the image-right eye is lower (clockwise tilt)', () => {
    const pose = estimatePose(rotated(frontalLandmarks(), 20));

    assert.ok(Math.abs(pose.roll - 20) < 1e-6, `roll ${pose.roll}`);
    assert.ok(Math.abs(pose.yaw) < 1e-6, `yaw ${pose.yaw}`);
    assert.ok(Math.abs(estimatePose(rotated(frontalLandmarks(), -15)).roll + 15) < 1e-6);
  });

  void it('gives positive yaw when the nose points to the image right, negative to the left', () => {
    const right = { ...frontalLandmarks(), nose: { x: 120, y: 105 } }; // 20 px = half the eye distance
    const left = { ...frontalLandmarks(), nose: { x: 90, y: 105 } };

    assert.ok(Math.abs(estimatePose(right).yaw - 45) < 1e-6);
    assert.ok(estimatePose(left).yaw < -20);
  });

  void it('measures yaw independently of roll', () => {
    const turned = { ...frontalLandmarks(), nose: { x: 110, y: 105 } };

    const upright = estimatePose(turned).yaw;
    const tilted = estimatePose(rotated(turned, 25)).yaw;

    assert.ok(upright > 20);
    assert.ok(Math.abs(tilted - upright) < 1e-6, `${tilted} vs ${upright}`);
  });
});

void describe(laplacianVariance.name, () => {
  void it('is zero for a flat image and positive for an edge', () => {
    assert.equal(laplacianVariance(new Float32Array(100).fill(90), 10, 10), 0);
    const edge = new Float32Array(100).map((_, i) => (i % 10 < 5 ? 0 : 255));
    assert.ok(laplacianVariance(edge, 10, 10) > 0);
  });
});

void describe(FaceQualityAssessor.name, () => {
  const sut = new FaceQualityAssessor();
  const box: [number, number, number, number] = [50, 50, 150, 150];

  void it('scores a sharp pattern higher than the same pattern blurred', () => {
    const sharp = sut.assess(greyImage(checkerboard), face(box));
    const soft = sut.assess(greyImage(blurred), face(box));

    assert.ok(sharp.sharpness > 0.5, `sharp ${sharp.sharpness}`);
    assert.ok(soft.sharpness < sharp.sharpness / 2, `soft ${soft.sharpness} vs sharp ${sharp.sharpness}`);
    assert.ok(sharp.sharpness <= 1 && soft.sharpness >= 0);
  });

  void it('calls a flat face too blurry', () => {
    const result = sut.assess(
      greyImage(() => 128),
      face(box),
    );

    assert.equal(result.sharpness, 0);
    assert.equal(result.overall, 'poor');
    assert.ok(result.reasons.some((reason) => reason.startsWith('face too blurry')));
  });

  void it('measures mean luma and flags dark and bright faces', () => {
    const dark = sut.assess(
      greyImage((x, y) => (checkerboard(x, y) > 100 ? 40 : 10)),
      face(box),
    );
    const bright = sut.assess(
      greyImage((x, y) => (checkerboard(x, y) > 100 ? 255 : 225)),
      face(box),
    );
    const normal = sut.assess(greyImage(checkerboard), face(box));

    assert.ok(Math.abs(dark.brightness - 25) < 1, `dark ${dark.brightness}`);
    assert.ok(
      dark.reasons.some((reason) => reason.startsWith('face too dark: brightness 25 < 40')),
      `${dark.reasons.join('; ')}`,
    );
    assert.ok(
      bright.reasons.some((reason) => reason.startsWith('face too bright')),
      `${bright.reasons.join('; ')}`,
    );
    assert.ok(Math.abs(normal.brightness - 127.5) < 1);
    assert.equal(normal.overall, 'good');
    assert.deepEqual(normal.reasons, []);
  });

  void it('reports the shorter box side as face size and rejects small faces', () => {
    const small = sut.assess(greyImage(checkerboard), face([80, 70, 120, 130]));

    assert.equal(small.face_size, 40);
    assert.equal(small.overall, 'poor');
    assert.ok(small.reasons.includes('face too small: 40 px < 48 px'), `${small.reasons.join('; ')}`);
  });

  void it('reports pose from the landmarks and fails a turned head', () => {
    const turned = { ...frontalLandmarks(), nose: { x: 125, y: 105 } };

    const result = sut.assess(greyImage(checkerboard), face(box, rotated(turned, -10)));

    assert.ok(result.yaw > DEFAULT_QUALITY_THRESHOLDS.maxYaw, `yaw ${result.yaw}`);
    assert.ok(Math.abs(result.roll + 10) < 1e-6);
    assert.ok(result.reasons.some((reason) => reason.startsWith('head turned too far: yaw')));
  });

  void it('calls a face near a limit fair, with the reason', () => {
    const result = sut.assess(greyImage(checkerboard), face([50, 50, 102, 150]));

    assert.equal(result.face_size, 52);
    assert.equal(result.overall, 'fair');
    assert.deepEqual(result.reasons, ['face size close to the limit: 52 px (min 48 px)']);
  });

  void it('tells the size reasons, failed or close to the limit, from the others', () => {
    const image = greyImage(checkerboard);
    const small = sut.assess(image, face([80, 70, 120, 130])).reasons;
    const near = sut.assess(image, face([50, 50, 102, 150])).reasons;
    const turned = sut.assess(image, face(box, rotated({ ...frontalLandmarks(), nose: { x: 125, y: 105 } }, -10)));

    assert.deepEqual(small.filter(isFaceSizeReason), ['face too small: 40 px < 48 px']);
    assert.deepEqual(near.filter(isFaceSizeReason), near);
    assert.ok(turned.reasons.length > 0);
    assert.deepEqual(turned.reasons.filter(isFaceSizeReason), []);
  });

  void it('is stricter with the enrollment preset', () => {
    const enrollment = new FaceQualityAssessor(ENROLLMENT_QUALITY_THRESHOLDS);
    const image = greyImage(checkerboard);
    const medium = face([50, 50, 130, 130]);

    assert.equal(sut.assess(image, medium).overall, 'good');
    assert.equal(enrollment.assess(image, medium).overall, 'poor');
    assert.equal(sut.assess(image, medium, ENROLLMENT_QUALITY_THRESHOLDS).overall, 'poor');
  });
});

void describe('quality presets', () => {
  void it('makes every enrollment limit at least as strict as the default', () => {
    const d = DEFAULT_QUALITY_THRESHOLDS;
    const e = ENROLLMENT_QUALITY_THRESHOLDS;

    assert.ok(e.minFaceSize > d.minFaceSize);
    assert.ok(e.minSharpness > d.minSharpness);
    assert.ok(e.minBrightness >= d.minBrightness && e.maxBrightness <= d.maxBrightness);
    assert.ok(e.maxYaw < d.maxYaw && e.maxRoll < d.maxRoll);
  });
});
