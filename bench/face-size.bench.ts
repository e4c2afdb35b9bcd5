/**
 * How small a face a camera may see and still be told apart: each `cfp-dev` person is enrolled from frontal photos
 * 01-03 at full size, then frontal photos 04 and 05 are shrunk so the face's box is S pixels wide and placed in the
 * middle of a grey 640x480 frame, as a distant camera would see them, and identified among all people the way
 * camera frames are (no guess below the detector's threshold, nearest template within the default threshold).
 * For each S it prints how many probes gave a face, and of those how many were the right person, another person
 * (a false match), or nobody (an unknown face). Chooses the default `min_face_size` of cameras (docs/benchmarks.md).
 * The last two columns are 1:1 decisions, as `verify` makes them: the face against its own person's first
 * enrolled photo (accepted is right) and against the next person's (accepted is a false accept).
 * Then times the detector on `groups/retinaface-team.jpg` as 640x480, 1280x720 and 1920x1080 frames, searched from
 * 20 px (what uploads get) and from 48 px (PRESENCE_MIN_FACE_SIZE), alternated, median of --runs.
 *
 *   npm run build:test && node dist/bench/face-size.bench.js [--sizes=16,20,24,...] [--people=250] [--optional]
 *     [--runs=12] [--among=N]
 * `--among=N` identifies each probe among N people only (its own and the next N-1 by name), as a class photo is
 * checked against the class's roster.
 * Env: SHARED_DIR (default <repo>/../shared), MODELS_DIR (default <shared>/models, for --optional).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { DlibFaceEmbedder } from '../src/recognition/engine/dlib-face-embedder.js';
import type { DetectedFace, FaceDetector, RgbImage } from '../src/recognition/engine/face.types.js';
import { FullRangeFaceDetector } from '../src/recognition/engine/full-range-detector.js';
import { YuNetDetector } from '../src/recognition/engine/yunet-detector.js';
import { euclideanDistance } from '../src/recognition/match-decision.js';
import { repoRoot, sharedDir, sharedModelsDir } from '../test/support/shared-data.js';

const IMAGES = join(sharedDir, 'faces', 'cfp-dev', 'Data', 'Images');
const FRAME = { width: 640, height: 480 };
const option = (name: string, fallback: string) =>
  new RegExp(`--${name}=(\\S+)`).exec(process.argv.join(' '))?.[1] ?? fallback;
const sizes = option('sizes', '16,20,24,28,32,40,48,64,96').split(',').map(Number);
const peopleCount = Number(option('people', '250'));
const optional = process.argv.includes('--optional');
const runs = Number(option('runs', '12'));
const among = Number(option('among', '0'));
const TIMED_SIZES = [20, 48];
const ENROLLED = [1, 2, 3];
type Box = DetectedFace['bbox'];
const PROBES = [4, 5];

const frontal = (person: string, n: number) => join(IMAGES, person, 'frontal', `${String(n).padStart(2, '0')}.jpg`);
const width = (face: DetectedFace) => face.bbox[2] - face.bbox[0];
const largest = (faces: DetectedFace[]) =>
  faces.reduce<DetectedFace | null>((best, face) => (best && width(best) >= width(face) ? best : face), null);

async function decode(input: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(input).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** The photo shrunk by `scale` in the middle of a grey 640x480 frame, and where its top left corner went. */
async function distantFrame(path: string, scale: number): Promise<{ image: RgbImage; left: number; top: number }> {
  const { width: w = 0, height: h = 0 } = await sharp(path).metadata();
  const scaled = await sharp(path)
    .rotate()
    .removeAlpha()
    .resize(Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale)))
    .toBuffer({ resolveWithObject: true });
  const left = Math.max(0, Math.round((FRAME.width - scaled.info.width) / 2));
  const top = Math.max(0, Math.round((FRAME.height - scaled.info.height) / 2));
  const frame = await sharp({ create: { ...FRAME, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: scaled.data, left, top }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return { image: await decode(frame), left, top };
}

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (box: Box) => (box[2] - box[0]) * (box[3] - box[1]);
  return (w * h) / (area(a) + area(b) - w * h);
}

interface Tally {
  probes: number;
  faces: number;
  right: number;
  wrong: number;
  unknown: number;
  /** Boxes found away from the probe's face (IoU < 0.3), whatever they matched. */
  elsewhere: number;
  /** 1:1 against the person's own first template, and against the next person's: accepted at the threshold. */
  sameAccepted: number;
  otherAccepted: number;
}

async function main(): Promise<void> {
  const builtIn = join(repoRoot, 'models');
  const detector: FaceDetector | null = optional
    ? await YuNetDetector.create(sharedModelsDir)
    : await FullRangeFaceDetector.create(builtIn);
  if (!detector) throw new Error(`No YuNet model in ${sharedModelsDir}`);
  const embedder = await DlibFaceEmbedder.create(builtIn);
  const threshold = embedder.defaultThreshold;
  const people = (await readdir(IMAGES)).sort().slice(0, peopleCount);

  const gallery: { person: string; descriptor: Float32Array }[] = [];
  const probes: { person: string; path: string; box: Box }[] = [];
  for (const person of people) {
    for (const n of ENROLLED) {
      const image = await decode(frontal(person, n));
      const face = largest(await detector.detect(image));
      if (face) gallery.push({ person, descriptor: (await embedder.embed(image, [face]))[0] });
    }
    for (const n of PROBES) {
      const face = largest(await detector.detect(await decode(frontal(person, n))));
      if (face) probes.push({ person, path: frontal(person, n), box: face.bbox });
    }
  }
  console.log(
    `cfp-dev frontal, ${people.length} people enrolled from photos ${ENROLLED.join(', ')} (${gallery.length} templates); ` +
      `${probes.length} probes (photos ${PROBES.join(', ')}) shrunk into a 640x480 frame; detector ${detector.modelId}, ` +
      `dlib descriptor, threshold ${threshold}`,
  );
  const rosterOf = (person: string) => {
    const at = people.indexOf(person);
    return new Set(Array.from({ length: among }, (_, i) => people[(at + i) % people.length]));
  };
  if (among > 0) console.log(`each probe identified among ${among} people (its own and the next by name)`);
  const firstTemplate = new Map<string, Float32Array>();
  for (const template of gallery)
    if (!firstTemplate.has(template.person)) firstTemplate.set(template.person, template.descriptor);
  const nextPerson = (person: string) => people[(people.indexOf(person) + 1) % people.length];
  const accepted = (descriptor: Float32Array, person: string) => {
    const template = firstTemplate.get(person);
    return template !== undefined && euclideanDistance(descriptor, template) < threshold;
  };
  console.log(
    '| face width (px) | probes | face found | right person | another person | unknown | other boxes | ' +
      '1:1 same person accepted | 1:1 other person accepted |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const size of sizes) {
    const tally: Tally = {
      probes: 0,
      faces: 0,
      right: 0,
      wrong: 0,
      unknown: 0,
      elsewhere: 0,
      sameAccepted: 0,
      otherAccepted: 0,
    };
    for (const probe of probes) {
      tally.probes += 1;
      const scale = size / (probe.box[2] - probe.box[0]);
      const { image, left, top } = await distantFrame(probe.path, scale);
      const at = probe.box.map((v, i) => v * scale + (i % 2 === 0 ? left : top)) as Box;
      const faces = await detector.detect(image, { expectFace: false });
      const own = faces.find((face) => iou(face.bbox, at) >= 0.3);
      tally.elsewhere += faces.length - (own ? 1 : 0);
      if (!own) continue;
      tally.faces += 1;
      const [descriptor] = await embedder.embed(image, [own]);
      if (accepted(descriptor, probe.person)) tally.sameAccepted += 1;
      if (accepted(descriptor, nextPerson(probe.person))) tally.otherAccepted += 1;
      let nearest = { person: '', distance: Infinity };
      const candidates = among > 0 ? rosterOf(probe.person) : null;
      for (const template of gallery) {
        if (candidates && !candidates.has(template.person)) continue;
        const distance = euclideanDistance(descriptor, template.descriptor);
        if (distance < nearest.distance) nearest = { person: template.person, distance };
      }
      if (nearest.distance >= threshold) tally.unknown += 1;
      else if (nearest.person === probe.person) tally.right += 1;
      else tally.wrong += 1;
    }
    const share = (n: number, of: number) => `${n} (${of ? ((n / of) * 100).toFixed(1) : '0.0'}%)`;
    console.log(
      `| ${size} | ${tally.probes} | ${share(tally.faces, tally.probes)} | ${share(tally.right, tally.faces)} | ` +
        `${share(tally.wrong, tally.faces)} | ${share(tally.unknown, tally.faces)} | ${tally.elsewhere} | ` +
        `${share(tally.sameAccepted, tally.faces)} | ${share(tally.otherAccepted, tally.faces)} |`,
    );
  }
  await timeDetection(detector);
}

/** Detection time of a group photo as frames of three sizes, from each of TIMED_SIZES on. */
async function timeDetection(detector: FaceDetector): Promise<void> {
  const { loadavg } = await import('node:os');
  console.log(
    `\ndetector time per frame, groups/retinaface-team.jpg, median of ${runs}; load ${loadavg()[0].toFixed(1)}`,
  );
  for (const [w, h] of [
    [640, 480],
    [1280, 720],
    [1920, 1080],
  ]) {
    const path = join(sharedDir, 'faces', 'groups', 'retinaface-team.jpg');
    const image = await decode(await sharp(path).resize(w, h, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer());
    const times = new Map<number, number[]>(TIMED_SIZES.map((size) => [size, []]));
    const found = new Map<number, number>();
    for (let run = 0; run < runs; run += 1) {
      for (const size of TIMED_SIZES) {
        const started = performance.now();
        const faces = await detector.detect(image, { expectFace: false, minFaceSize: size });
        times.get(size)!.push(performance.now() - started);
        found.set(size, faces.length);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(1);
    const cells = TIMED_SIZES.map(
      (size) => `from ${size} px ${median(times.get(size)!)} ms (${found.get(size)} faces)`,
    );
    console.log(`  ${w}x${h}: ${cells.join(', ')}`);
  }
}

await main();
