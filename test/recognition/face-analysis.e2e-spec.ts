import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DetectedFace } from '../../src/recognition/engine/face.types.js';
import { FaceQualityAssessor } from '../../src/recognition/engine/face-quality.js';
import { ImageDecoder } from '../../src/recognition/engine/image-decoder.js';
import { ImageError } from '../../src/recognition/engine/image-errors.js';
import { MiniFasNetLiveness } from '../../src/recognition/engine/minifasnet-liveness.js';
import { iou } from '../../src/recognition/engine/non-max-suppression.js';
import { YuNetDetector } from '../../src/recognition/engine/yunet-detector.js';
import { pngHeader } from '../support/bad-uploads.js';
import { facePath, sharedModelsDir } from '../support/shared-data.js';

const missingPhotos = existsSync(facePath()) ? false : `no shared photos at ${facePath()} (set SHARED_DIR)`;
const missingModels = existsSync(sharedModelsDir) ? false : `no model pack at ${sharedModelsDir} (set MODELS_DIR)`;
/** In CI the photos and the model pack must be there: missing, these tests fail instead of skipping. */
const required = process.env.CI === 'true';
const noSharedData = required ? false : missingPhotos;
const noModels = required ? false : missingModels || missingPhotos;

void describe('shared test data', () => {
  void it('holds the photos and the model pack these tests need', { skip: !required && 'CI is not true' }, () => {
    assert.deepEqual([missingPhotos, missingModels].filter(Boolean), []);
  });
  // Outside CI a missing folder skips the tests below with the reason; say it where it is seen, too.
  for (const missing of [missingPhotos, missingModels]) if (missing && !required) console.log(`# skipping: ${missing}`);
});

async function rejection(promise: Promise<unknown>): Promise<ImageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the decoder to reject');
}

function solidPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();
}

void describe(ImageDecoder.name, { skip: noSharedData }, () => {
  const sut = new ImageDecoder();

  void it('decodes a JPEG, applying its EXIF orientation', async () => {
    const image = await sut.decode(await readFile(facePath('antispoof', 'real-T1.jpg'))); // 640x480, orientation 6

    assert.equal(image.format, 'jpeg');
    assert.deepEqual([image.width, image.height], [480, 640]);
    assert.equal(image.data.length, 480 * 640 * 3);
  });

  void it('decodes a grey PNG to RGB and drops an alpha channel', async () => {
    const grey = await sut.decode(await readFile(facePath('bbt', 'amy', 'amy1.png')));
    const rgba = await sharp({ create: { width: 4, height: 3, channels: 4, background: '#ff000080' } })
      .png()
      .toBuffer();
    const fromRgba = await sut.decode(rgba);

    assert.equal(grey.format, 'png');
    assert.equal(grey.data.length, grey.width * grey.height * 3);
    const middle = (grey.height / 2) * grey.width * 3 + (grey.width / 2) * 3;
    assert.equal(grey.data[middle], grey.data[middle + 1]);
    assert.equal(fromRgba.data.length, 4 * 3 * 3);
    assert.deepEqual([...fromRgba.data.subarray(0, 3)], [255, 0, 0]);
  });

  void it('decodes WebP by its bytes, whatever the file is called', async () => {
    const image = await sut.decode(await readFile(facePath('deepface', 'img47.jpg')));

    assert.equal(image.format, 'webp');
    assert.equal(image.data.length, image.width * image.height * 3);
  });

  void it('rejects a text file with 415', async () => {
    const error = await rejection(sut.decode(Buffer.from('name,email\nAda,ada@example.com\n')));

    assert.equal(error.code, 'unsupported_media_type');
    assert.equal(error.status, 415);
  });

  void it('rejects a truncated JPEG with 400', async () => {
    const bytes = await readFile(facePath('antispoof', 'real-T1.jpg'));

    const half = await rejection(sut.decode(bytes.subarray(0, bytes.length / 2)));
    const headerOnly = await rejection(sut.decode(bytes.subarray(0, 40)));
    const garbage = await rejection(sut.decode(Buffer.concat([bytes.subarray(0, 3), Buffer.alloc(500, 0x41)])));

    for (const error of [half, headerOnly, garbage]) {
      assert.equal(error.code, 'invalid_image');
      assert.equal(error.status, 400);
    }
  });

  void it('rejects a header claiming more pixels than the limit with 413, without decoding', async () => {
    const error = await rejection(sut.decode(pngHeader(50_000, 50_000)));

    assert.equal(error.code, 'image_too_large');
    assert.equal(error.status, 413);
    assert.equal(error.details.pixels, 2_500_000_000);
    assert.equal(error.details.max_pixels, 40_000_000);
  });

  void it('applies a configured pixel limit to a real image', async () => {
    const strict = new ImageDecoder({ maxPixels: 1_000_000 });

    const error = await rejection(strict.decode(await solidPng(1001, 1000)));
    const image = await strict.decode(await solidPng(1000, 1000));

    assert.equal(error.code, 'image_too_large');
    assert.equal(error.details.pixels, 1_001_000);
    assert.deepEqual([image.width, image.height], [1000, 1000]);
  });

  void it('turns a JPEG with EXIF orientation 6 upright: sides swap and the left edge becomes the top', async () => {
    const width = 300;
    const height = 200;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set(i % width < width / 2 ? [220, 20, 20] : [20, 20, 220], i * 3);
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const image = await sut.decode(jpeg);

    assert.deepEqual([image.width, image.height], [height, width]);
    const pixel = (x: number, y: number) => [
      ...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
    ];
    assert.ok(pixel(100, 10)[0] > 180, `top ${pixel(100, 10).join(',')}`); // red half on top
    assert.ok(pixel(100, 290)[2] > 180, `bottom ${pixel(100, 290).join(',')}`);
  });

  void it('downscales a large image to the maximum side and reports the original size', async () => {
    const image = await new ImageDecoder({ maxSide: 1000 }).decode(await solidPng(3000, 1500));

    assert.deepEqual([image.width, image.height], [1000, 500]);
    assert.deepEqual([image.originalWidth, image.originalHeight], [3000, 1500]);
    assert.equal(image.scale, 1000 / 3000);
  });
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

void describe(YuNetDetector.name, { skip: noModels }, () => {
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

void describe(MiniFasNetLiveness.name, { skip: noModels }, () => {
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

void describe(`${FaceQualityAssessor.name} on photos`, { skip: noModels }, () => {
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
