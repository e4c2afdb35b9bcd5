import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DetectedFace } from '../../src/recognition/engine/face.types.js';
import { FaceQualityAssessor } from '../../src/recognition/engine/face-quality.js';
import { ImageDecoder } from '../../src/recognition/engine/image-decoder.js';
import { MiniFasNetLiveness } from '../../src/recognition/engine/minifasnet-liveness.js';
import { iou } from '../../src/recognition/engine/non-max-suppression.js';
import { YuNetDetector } from '../../src/recognition/engine/yunet-detector.js';
import {
  facePath,
  missingSharedData,
  sharedDataRequired,
  sharedModelsDir,
  skipWithoutModels,
} from '../support/shared-data.js';

void describe('shared test data', () => {
  void it(
    'holds the photos and the model pack these tests need',
    { skip: !sharedDataRequired && 'CI is not true' },
    () => {
      assert.deepEqual(missingSharedData, []);
    },
  );
  // Outside CI a missing folder skips the tests below with the reason; say it where it is seen, too.
  if (!sharedDataRequired) for (const missing of missingSharedData) console.log(`# skipping: ${missing}`);
});

interface AnnotatedImage {
  file: string;
  boxes: [number, number, number, number][];
}

async function readDlibAnnotations(xmlFile: string): Promise<AnnotatedImage[]> {
  const xml = await readFile(facePath('dlib', 'faces', xmlFile), 'utf8');
  return [...xml.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)].map((image) => ({
    file: image[1],
    boxes: [...image[2].matchAll(/<box top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g)].map((box) => {
      const [top, left, width, height] = box.slice(1).map(Number);
      return [left, top, left + width, top + height];
    }),
  }));
}

void describe(YuNetDetector.name, { skip: skipWithoutModels }, () => {
  const decoder = new ImageDecoder();
  let sut: YuNetDetector;

  before(async () => {
    const detector = await YuNetDetector.create(sharedModelsDir);
    assert.ok(detector, `YuNet not found in ${sharedModelsDir}`);
    sut = detector;
  });

  const detectIn = async (...parts: string[]) => {
    const image = await decoder.decode(await readFile(facePath(...parts)));
    return { image, faces: await sut.detect(image) };
  };

  void it('finds both faces in obama_and_biden.jpg, side by side, with landmarks inside the boxes', async () => {
    const { faces } = await detectIn('knn', 'test', 'obama_and_biden.jpg');

    const largest = [...faces].sort((a, b) => side(b) - side(a)).slice(0, 2);
    assert.equal(largest.length, 2, `found ${faces.length} faces`);
    const [left, right] = largest.sort((a, b) => a.bbox[0] - b.bbox[0]);
    assert.ok(left.bbox[2] < right.bbox[0], 'the two faces do not overlap horizontally');
    assert.ok(Math.abs(left.bbox[1] - right.bbox[1]) < side(left), 'the two faces are at about the same height');
    for (const face of largest) {
      assert.ok(face.confidence >= 0.9);
      const { left_eye, right_eye, nose } = face.landmarks;
      assert.ok(left_eye.x < nose.x && nose.x < right_eye.x);
      const { mouth_left, mouth_right } = face.landmarks;
      for (const point of [left_eye, right_eye, nose, mouth_left, mouth_right]) assert.ok(inside(point, face.bbox));
    }
  });

  void it('finds no face in dogs.jpg', async () => {
    const { faces } = await detectIn('dlib', 'faces', 'dogs.jpg');

    assert.deepEqual(faces, []);
  });

  void it('finds the face of close-ups that fill the photo, frontal and in profile', async () => {
    for (const parts of [
      ['deepface', 'img24.jpg'],
      ['deepface', 'img32.jpg'],
      ['cfp-dev', 'Data', 'Images', '251', 'frontal', '04.jpg'],
      ['cfp-dev', 'Data', 'Images', '251', 'profile', '04.jpg'],
    ]) {
      const { image, faces } = await detectIn(...parts);

      assert.equal(faces.length, 1, `${parts.join('/')}: ${faces.length} faces`);
      assert.ok(side(faces[0]) >= 0.3 * Math.max(image.width, image.height), `${parts.join('/')}: a close-up`);
      for (const point of Object.values(faces[0].landmarks)) assert.ok(inside(point, faces[0].bbox));
    }
  });

  void it('finds the annotated faces of dlib testing.xml (IoU >= 0.3)', async () => {
    let annotated = 0;
    let found = 0;
    let detections = 0;
    for (const { file, boxes } of await readDlibAnnotations('testing.xml')) {
      const { faces } = await detectIn('dlib', 'faces', file);
      detections += faces.length;
      annotated += boxes.length;
      found += boxes.filter((box) => faces.some((face) => iou(face.bbox, box) >= 0.3)).length;
    }

    console.log(`YuNet on dlib testing.xml: ${found}/${annotated} annotated faces found, ${detections} detections`);
    assert.ok(found / annotated >= 0.9, `found ${found}/${annotated}`);
    assert.ok(found / detections >= 0.8, `${detections - found} detections match no annotation`);
  });

  void it('finds the six faces of each six-person group photo', async () => {
    for (const file of ['insightface-t1.jpg', 'facenet-multiface.jpg']) {
      const { faces } = await detectIn('groups', file);

      assert.equal(faces.length, 6, file);
    }
  });

  void it('applies minConfidence and minFaceSize per call', async () => {
    const { image, faces } = await detectIn('knn', 'test', 'obama_and_biden.jpg');
    const minFaceSize = Math.max(...faces.map(side)) - 1;

    const big = await sut.detect(image, { minFaceSize });
    const none = await sut.detect(image, { minConfidence: 0.9999 });

    assert.equal(big.length, 1);
    assert.ok(side(big[0]) >= minFaceSize);
    assert.deepEqual(none, []);
  });

  void it('is not created when the model file is absent', async () => {
    assert.equal(await YuNetDetector.create(mkdtempSync(join(tmpdir(), 'no-models-'))), null);
  });
});

void describe(MiniFasNetLiveness.name, { skip: skipWithoutModels }, () => {
  const decoder = new ImageDecoder();
  let detector: YuNetDetector;
  let sut: MiniFasNetLiveness;

  before(async () => {
    const [yunet, liveness] = await Promise.all([
      YuNetDetector.create(sharedModelsDir),
      MiniFasNetLiveness.create(sharedModelsDir),
    ]);
    assert.ok(yunet && liveness, `YuNet or MiniFASNet missing in ${sharedModelsDir}`);
    detector = yunet;
    sut = liveness;
  });

  const checkPhoto = async (...parts: string[]) => {
    const image = await decoder.decode(await readFile(facePath(...parts)));
    const faces = await detector.detect(image);
    assert.equal(faces.length, 1, `${parts.join('/')}: ${faces.length} faces`);
    const [result] = await sut.check(image, faces);
    console.log(`MiniFASNet ${parts.join('/')}: p(real) ${result.score.toFixed(3)}`);
    return result;
  };

  void it('passes a live face', async () => {
    const result = await checkPhoto('antispoof', 'real-T1.jpg');

    assert.equal(result.is_live, true);
    assert.ok(result.score >= 0.9, `score ${result.score}`);
  });

  void it('rejects a printed photo and a screen replay', async () => {
    for (const file of ['spoof-F1.jpg', 'spoof-F2.jpg']) {
      const result = await checkPhoto('antispoof', file);

      assert.equal(result.is_live, false, file);
      assert.ok(result.score < 0.5, `${file}: score ${result.score}`);
    }
  });

  void it('scores each face of a batch as it scores the face alone', async () => {
    const image = await decoder.decode(await readFile(facePath('knn', 'test', 'obama_and_biden.jpg')));
    const faces = await detector.detect(image);

    const batch = await sut.check(image, faces);
    const alone = await Promise.all(faces.map(async (face) => (await sut.check(image, [face]))[0]));

    assert.ok(faces.length >= 2);
    batch.forEach((result, i) => assert.ok(Math.abs(result.score - alone[i].score) < 1e-4, `face ${i}`));
    assert.deepEqual(await sut.check(image, []), []);
  });

  void it('is not created when the model files are absent', async () => {
    assert.equal(await MiniFasNetLiveness.create(mkdtempSync(join(tmpdir(), 'no-models-'))), null);
  });
});

void describe(`${FaceQualityAssessor.name} on photos`, { skip: skipWithoutModels }, () => {
  const decoder = new ImageDecoder();
  const sut = new FaceQualityAssessor();

  void it('rates a sharp portrait good and the same portrait blurred poor', async () => {
    const detector = await YuNetDetector.create(sharedModelsDir);
    assert.ok(detector);
    const bytes = await readFile(facePath('knn', 'test', 'obama_and_biden.jpg'));
    const blurredBytes = await sharp(bytes).blur(5).jpeg().toBuffer();
    const [image, blurred] = await Promise.all([decoder.decode(bytes), decoder.decode(blurredBytes)]);
    const [sharpFaces, blurredFaces] = await Promise.all([detector.detect(image), detector.detect(blurred)]);
    const biggest = (faces: DetectedFace[]) => faces.reduce((a, b) => (side(b) > side(a) ? b : a));

    const sharpQuality = sut.assess(image, biggest(sharpFaces));
    const blurredQuality = sut.assess(blurred, biggest(blurredFaces));

    assert.equal(sharpQuality.overall, 'good', sharpQuality.reasons.join('; '));
    assert.ok(Math.abs(sharpQuality.yaw) < 20 && Math.abs(sharpQuality.roll) < 15);
    assert.equal(blurredQuality.overall, 'poor');
    assert.ok(blurredQuality.sharpness < sharpQuality.sharpness / 2);
  });
});

function side(face: DetectedFace): number {
  return Math.min(face.bbox[2] - face.bbox[0], face.bbox[3] - face.bbox[1]);
}

function inside(point: { x: number; y: number }, bbox: [number, number, number, number]): boolean {
  return point.x >= bbox[0] && point.x <= bbox[2] && point.y >= bbox[1] && point.y <= bbox[3];
}
