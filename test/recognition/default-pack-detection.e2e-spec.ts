import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { DetectedFace, RgbImage } from '../../src/recognition/engine/face.types.js';
import { FULL_RANGE_MIN_CONFIDENCE, FullRangeFaceDetector } from '../../src/recognition/engine/full-range-detector.js';
import { iou } from '../../src/recognition/engine/non-max-suppression.js';
import { facelessCrops } from '../support/faceless-crops.js';
import { facePath, repoRoot, skipWithoutPhotos } from '../support/shared-data.js';

// The default pack's detector (built by npm ci into <repo>/models) from class photos with 30 px faces to close-ups.
// The full sweep over every lfw-dev and cfp-dev image is bench/detection-sweep.bench.ts; here a sample of them.

/** Decoded as the service decodes: EXIF rotation, no alpha, longer side at most 1920 px. */
async function decode(path: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(path)
    .rotate()
    .resize({ width: 1920, height: 1920, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

type Box = [number, number, number, number];

/** Annotated face boxes per image of a dlib imglab XML file. */
function dlibBoxes(file: string): Map<string, Box[]> {
  const xml = readFileSync(facePath('dlib', 'faces', file), 'latin1');
  const boxes = new Map<string, Box[]>();
  for (const [, image, body] of xml.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
    const list = [...body.matchAll(/<box top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g)].map(
      ([, top, left, width, height]): Box => [+left, +top, +left + +width, +top + +height],
    );
    boxes.set(image, list);
  }
  return boxes;
}

/** Every n-th file of each person's folder under `dir` (sorted), as paths. */
function sample(dir: string, sub: string, every: number): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((person) =>
      readdirSync(join(dir, person, sub))
        .sort()
        .map((file) => join(dir, person, sub, file)),
    )
    .filter((_, i) => i % every === 0);
}

void describe('default pack face detection', { skip: skipWithoutPhotos }, () => {
  let detector: FullRangeFaceDetector;
  const detect = async (path: string): Promise<DetectedFace[]> => detector.detect(await decode(path));

  before(async () => {
    detector = await FullRangeFaceDetector.create(join(repoRoot, 'models'));
  });

  void it('finds all 23 faces of the five bbt group photos', async () => {
    const counts: number[] = [];
    for (let i = 1; i <= 5; i += 1) counts.push((await detect(facePath('bbt', `bbt${i}.jpg`))).length);

    assert.deepEqual(counts, [4, 3, 5, 6, 5]);
  });

  for (const file of ['training.xml', 'testing.xml']) {
    void it(`finds every annotated face of dlib's ${file} (IoU at least 0.5) and nothing else`, async () => {
      for (const [image, truth] of dlibBoxes(file)) {
        const faces = await detect(facePath('dlib', 'faces', image));
        for (const box of truth) {
          const best = Math.max(0, ...faces.map((f) => iou(box, f.bbox)));
          assert.ok(best >= 0.5, `${image}: box ${box.join(',')} best IoU ${best.toFixed(2)}`);
        }
        assert.equal(faces.length, truth.length, `${image}: ${faces.length} faces for ${truth.length} boxes`);
      }
    });
  }

  void it('finds no face in dogs.jpg', async () => {
    assert.deepEqual(await detect(facePath('dlib', 'faces', 'dogs.jpg')), []);
  });

  void it('guesses a face under the threshold only where one is expected (faceless crops)', async () => {
    for (const bytes of await facelessCrops()) {
      const image = await decode(bytes);
      const guessed = await detector.detect(image);
      assert.equal(guessed.length, 1, 'an uploaded photo gets the best guess');
      assert.ok(guessed[0].confidence < FULL_RANGE_MIN_CONFIDENCE, `guess scored ${guessed[0].confidence}`);
      assert.deepEqual(await detector.detect(image, { expectFace: false }), [], 'a camera frame gets none');
    }
  });

  void it('finds the 29 people of the Solvay 1927 photo (faces about 50 px in 1920 px)', async () => {
    const faces = await detect(facePath('groups', 'human-solvay1927.jpg'));

    assert.equal(faces.length, 29);
  });

  void it('finds a face filling the whole image (dlib 150 px chips)', async () => {
    const dir = facePath('dlib', 'johns');
    for (const path of sample(dir, '', 5)) {
      const faces = await detect(path);
      assert.equal(faces.length, 1, path);
      const [x1, y1, x2, y2] = faces[0].bbox;
      assert.ok(x2 - x1 > 60 && y2 - y1 > 60, `${path}: a big face, got ${faces[0].bbox.map(Math.round).join(',')}`);
    }
  });

  void it('finds a face in every deepface photo', async () => {
    const dir = facePath('deepface');
    const files = readdirSync(dir).filter((f) => /^img\d+\.jpg$/.test(f));
    for (const file of files) assert.ok((await detect(join(dir, file))).length > 0, file);
  });

  void it('finds a face in every 25th lfw-dev image', async () => {
    for (const path of sample(facePath('lfw-dev', 'images'), '', 25)) assert.ok((await detect(path)).length > 0, path);
  });

  void it('finds a face in every 10th cfp-dev frontal photo and in 99 of every 10th profile photo', async () => {
    const dir = facePath('cfp-dev', 'Data', 'Images');
    for (const path of sample(dir, 'frontal', 10)) assert.ok((await detect(path)).length > 0, path);
    // Not yet every profile (the goal of docs/benchmarks.md): the one missed here is a dark 77 px crop turned
    // away (318/profile/03.jpg). Any further miss fails.
    const missed: string[] = [];
    for (const path of sample(dir, 'profile', 10)) if ((await detect(path)).length === 0) missed.push(path);
    assert.ok(missed.length <= 1, `profiles without a face: ${missed.join(', ')}`);
  });
});
