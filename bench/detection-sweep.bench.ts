/**
 * Detection sweep over the shared photos: how many faces a detector finds where the answer is known.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/detection-sweep.bench.js \
 *     [--detector=full|back|yunet|yunet+full] [--min-face=20] [--min-face-in-input=12] [--level-ratio=4]
 *     [--min-confidence=0.6] [--sets=bbt,dlib,...]
 *     [--sample=N]
 *
 * Sets: bbt (bbt1-5.jpg, 23 faces), dlib (every box of dlib/faces/*.xml matched at IoU >= 0.5, by greedy best-IoU
 * assignment), dogs (dlib/faces/dogs.jpg: no face), groups (faces per photo, for the record), lfw (every image of
 * lfw-dev has a face), deepface (every image), cfp (every cfp-dev image; frontal and profile counted apart).
 * faceless: 200 square crops (60-300 px, the same every run) of group photos, away from every face the detector finds
 * in them at 0.3 (legs, hands, chairs, walls), detected as an uploaded photo (a face expected: the best guess under
 * the threshold is taken) and as a camera frame (DetectOptions.expectFace false): faces returned in each case.
 * --sample=N takes every Nth image of lfw and cfp. Prints each figure against its goal, and the time per image.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BlazeFaceDetector } from '../src/recognition/engine/blazeface-detector.js';
import { FullRangeFaceDetector } from '../src/recognition/engine/full-range-detector.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../src/recognition/engine/face.types.js';
import { iou } from '../src/recognition/engine/non-max-suppression.js';
import { mayGuessFace } from '../src/recognition/engine/detect-options.js';
import { YuNetDetector } from '../src/recognition/engine/yunet-detector.js';
import { facePath, repoRoot, sharedModelsDir } from '../test/support/shared-data.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'] as const;
  }),
);
const DETECTOR = args.get('detector') ?? 'full';
const SETS = (args.get('sets') ?? 'bbt,dlib,dogs,faceless,groups,deepface,lfw,cfp').split(',');
const SAMPLE = Number(args.get('sample') ?? 1);
const MIN_CONFIDENCE = args.has('min-confidence') ? Number(args.get('min-confidence')) : undefined;

/** Decodes like the service: EXIF rotation, no alpha, longer side at most 1920 px. */
async function decode(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path)
    .rotate()
    .resize({ width: 1920, height: 1920, fit: 'inside', withoutEnlargement: true })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

async function openDetector(): Promise<FaceDetector> {
  const models = join(repoRoot, 'models');
  if (DETECTOR === 'yunet' || DETECTOR === 'yunet+full') {
    const yunet = await YuNetDetector.create(sharedModelsDir);
    if (!yunet) throw new Error(`no YuNet in ${sharedModelsDir}`);
    if (DETECTOR === 'yunet') return yunet;
    // As the service runs the optional pack: full-range BlazeFace where YuNet finds no face in a photo meant to show one.
    const fallback = await FullRangeFaceDetector.create(models);
    return {
      modelId: `${yunet.modelId}+${fallback.modelId}`,
      async detect(image, options = {}) {
        const faces = await yunet.detect(image, options);
        return faces.length === 0 && mayGuessFace(options) ? fallback.detect(image, options) : faces;
      },
    };
  }
  if (DETECTOR === 'back') return BlazeFaceDetector.create(models);
  const number = (key: string) => (args.has(key) ? Number(args.get(key)) : undefined);
  return FullRangeFaceDetector.create(models, {
    minFaceSize: number('min-face'),
    minFaceInInput: number('min-face-in-input'),
    levelRatio: number('level-ratio'),
  });
}

let detectMs = 0;
let detectCalls = 0;
async function detect(detector: FaceDetector, path: string): Promise<{ faces: DetectedFace[]; image: RgbImage }> {
  const image = await decode(path);
  const started = performance.now();
  const faces = await detector.detect(image, MIN_CONFIDENCE === undefined ? {} : { minConfidence: MIN_CONFIDENCE });
  detectMs += performance.now() - started;
  detectCalls += 1;
  return { faces, image };
}

function line(name: string, value: string, goal = '', pass?: boolean): void {
  const verdict = pass === undefined ? '' : pass ? 'PASS' : 'MISS';
  console.log(`${name.padEnd(44)} ${value.padEnd(40)} ${goal.padEnd(14)} ${verdict}`);
}

/** Annotated boxes of a dlib imglab XML file, per image file. */
function dlibBoxes(xml: string): Map<string, [number, number, number, number][]> {
  const boxes = new Map<string, [number, number, number, number][]>();
  for (const image of xml.matchAll(/<image file='([^']+)'[^>]*>([\s\S]*?)<\/image>/g)) {
    const list = [...image[2].matchAll(/<box top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'/g)].map(
      ([, top, left, width, height]) =>
        [Number(left), Number(top), Number(left) + Number(width), Number(top) + Number(height)] as [
          number,
          number,
          number,
          number,
        ],
    );
    boxes.set(image[1], list);
  }
  return boxes;
}

/** Greedy matching by IoU: how many annotated boxes a detection covers at IoU >= 0.5, and the unmatched detections. */
function matchBoxes(truth: [number, number, number, number][], faces: DetectedFace[]) {
  const pairs = truth.flatMap((t, i) => faces.map((f, j) => ({ i, j, overlap: iou(t, f.bbox) })));
  pairs.sort((a, b) => b.overlap - a.overlap);
  const usedT = new Set<number>();
  const usedF = new Set<number>();
  const overlaps: number[] = [];
  for (const p of pairs) {
    if (p.overlap < 0.5 || usedT.has(p.i) || usedF.has(p.j)) continue;
    usedT.add(p.i);
    usedF.add(p.j);
    overlaps.push(p.overlap);
  }
  return { matched: usedT.size, extra: faces.length - usedF.size, overlaps };
}

async function everyImageHasFace(detector: FaceDetector, name: string, paths: string[]): Promise<void> {
  const missed: string[] = [];
  for (const path of paths) if ((await detect(detector, path)).faces.length === 0) missed.push(path);
  line(
    `${name}: images with a face`,
    `${paths.length - missed.length} of ${paths.length}`,
    'every image',
    missed.length === 0,
  );
  if (missed.length > 0)
    console.log(`  without a face: ${missed.slice(0, 12).join(', ')}${missed.length > 12 ? ' …' : ''}`);
}

/** A seeded pseudo-random sequence in [0, 1) (mulberry32), so that the faceless crops are the same every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Photos of people whose faces are all found; a crowd (retinaface-team) would leave small faces in the crops. */
const FACELESS_SOURCES = [
  'human-solvay1927.jpg',
  'human-group-1.jpg',
  'human-group-2.jpg',
  'human-group-3.jpg',
  'human-stock-group-1.jpg',
  'human-stock-group-2.jpg',
  'insightface-t1.jpg',
  'facenet-multiface.jpg',
];

/** Square crops of the photos clear of every face found at 0.3 (grown by its width, and 1.5 widths below). */
async function facelessCrops(detector: FaceDetector, perPhoto: number): Promise<RgbImage[]> {
  const random = seeded(1927);
  const crops: RgbImage[] = [];
  for (const file of FACELESS_SOURCES) {
    const image = await decode(facePath('groups', file));
    const clear = (await detector.detect(image, { minConfidence: 0.3 })).map(({ bbox: [x1, y1, x2, y2] }) => {
      const w = x2 - x1;
      return [x1 - w, y1 - w, x2 + w, y2 + 1.5 * w];
    });
    for (let tries = 0, taken = 0; taken < perPhoto && tries < 5000; tries += 1) {
      const side = Math.round(60 + random() * 240);
      const left = Math.floor(random() * (image.width - side));
      const top = Math.floor(random() * (image.height - side));
      if (side >= Math.min(image.width, image.height)) continue;
      if (clear.some(([x1, y1, x2, y2]) => left < x2 && left + side > x1 && top < y2 && top + side > y1)) continue;
      const { data } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .extract({ left, top, width: side, height: side })
        .raw()
        .toBuffer({ resolveWithObject: true });
      crops.push({ data, width: side, height: side });
      taken += 1;
    }
  }
  return crops;
}

async function main(): Promise<void> {
  const detector = await openDetector();
  const started = Date.now();
  console.log(
    `detector ${detector.modelId} (${DETECTOR}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (SETS.includes('bbt')) {
    const counts: number[] = [];
    for (let i = 1; i <= 5; i++) counts.push((await detect(detector, facePath('bbt', `bbt${i}.jpg`))).faces.length);
    const total = counts.reduce((a, b) => a + b, 0);
    line('bbt1-5.jpg: faces found', `${total} (${counts.join(' + ')})`, '23 of 23', total === 23);
  }
  if (SETS.includes('dlib')) {
    for (const file of ['training.xml', 'testing.xml']) {
      const boxes = dlibBoxes(readFileSync(facePath('dlib', 'faces', file), 'latin1'));
      let matched = 0;
      let total = 0;
      let extra = 0;
      const overlaps: number[] = [];
      const misses: string[] = [];
      for (const [image, truth] of boxes) {
        const result = matchBoxes(truth, (await detect(detector, facePath('dlib', 'faces', image))).faces);
        matched += result.matched;
        total += truth.length;
        extra += result.extra;
        overlaps.push(...result.overlaps);
        if (result.matched < truth.length) misses.push(`${image} ${result.matched}/${truth.length}`);
      }
      const range = overlaps.length
        ? `IoU ${Math.min(...overlaps).toFixed(2)}-${Math.max(...overlaps).toFixed(2)}`
        : '';
      line(
        `dlib ${file}: boxes found (IoU >= 0.5)`,
        `${matched} of ${total}, ${extra} other, ${range}`,
        'every box',
        matched === total,
      );
      if (misses.length) console.log(`  missed in: ${misses.join(', ')}`);
    }
  }
  if (SETS.includes('dogs')) {
    const faces = (await detect(detector, facePath('dlib', 'faces', 'dogs.jpg'))).faces;
    line(
      'dogs.jpg: faces found',
      `${faces.length}${faces.length ? ` (scores ${faces.map((f) => f.confidence.toFixed(2)).join(', ')})` : ''}`,
      'none',
      faces.length === 0,
    );
  }
  if (SETS.includes('faceless')) {
    const crops = await facelessCrops(detector, 25);
    let guessed = 0;
    const framed: number[] = [];
    for (const crop of crops) {
      if ((await detector.detect(crop)).length > 0) guessed += 1;
      const found = await detector.detect(crop, { expectFace: false });
      if (found.length > 0) framed.push(Math.max(...found.map((f) => f.confidence)));
    }
    line('faceless crops: with a face, face expected', `${guessed} of ${crops.length}`);
    line(
      'faceless crops: with a face, camera frame',
      `${framed.length} of ${crops.length}${framed.length ? ` (scores ${framed.map((c) => c.toFixed(2)).join(', ')})` : ''}`,
      'none',
      framed.length === 0,
    );
  }
  if (SETS.includes('groups')) {
    for (const file of readdirSync(facePath('groups')).sort()) {
      const { faces, image } = await detect(detector, facePath('groups', file));
      const sizes = faces.map((f) => Math.min(f.bbox[2] - f.bbox[0], f.bbox[3] - f.bbox[1]));
      line(
        `groups/${file} (${image.width}x${image.height})`,
        `${faces.length} faces, ${sizes.length ? Math.round(Math.min(...sizes)) : '-'}-${sizes.length ? Math.round(Math.max(...sizes)) : '-'} px`,
      );
    }
  }
  if (SETS.includes('deepface')) {
    const dir = facePath('deepface');
    const files = readdirSync(dir)
      .filter((f) => /^img\d+\.jpg$/.test(f))
      .sort();
    await everyImageHasFace(
      detector,
      'deepface img*.jpg',
      files.map((f) => join(dir, f)),
    );
  }
  if (SETS.includes('lfw')) {
    const dir = facePath('lfw-dev', 'images');
    const paths = readdirSync(dir)
      .sort()
      .flatMap((person) =>
        readdirSync(join(dir, person))
          .sort()
          .map((f) => join(dir, person, f)),
      )
      .filter((_, i) => i % SAMPLE === 0);
    await everyImageHasFace(detector, `lfw-dev${SAMPLE > 1 ? ` (every ${SAMPLE}th)` : ''}`, paths);
  }
  if (SETS.includes('cfp')) {
    const dir = facePath('cfp-dev', 'Data', 'Images');
    for (const view of ['frontal', 'profile']) {
      const paths = readdirSync(dir)
        .sort()
        .flatMap((person) =>
          readdirSync(join(dir, person, view))
            .sort()
            .map((f) => join(dir, person, view, f)),
        )
        .filter((_, i) => i % SAMPLE === 0);
      await everyImageHasFace(detector, `cfp-dev ${view}${SAMPLE > 1 ? ` (every ${SAMPLE}th)` : ''}`, paths);
    }
  }
  if (detectCalls > 0)
    console.log(
      `${detectCalls} images, detection ${(detectMs / detectCalls).toFixed(1)} ms per image on average, ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s in all; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
}

await main();
