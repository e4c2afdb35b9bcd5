/**
 * Stage timings of the face-analysis pipeline on shared photos: decode (sharp), detection (YuNet, or BlazeFace with
 * --default-pack), MiniFASNet liveness (both models, all faces batched; optional pack only), quality (pure TS) and
 * dlib embedding (chip + mirrored chip per face, one batch). Median ms per stage over several runs, one request at a
 * time, beside the design's goals where it has one. Then the whole pipeline under load: 1 and 2 images in flight at
 * once (RecognitionEngine lets 2 images into the models per instance), median ms per image and images per second.
 *
 *   npm run build:test && node dist/bench/pipeline-stages.bench.js [--runs=20] [--threads=1] [--default-pack]
 *
 * --threads sets onnxruntime's intra-op threads of every session (detector, liveness, embedder).
 * Env: SHARED_DIR (default <repo>/../shared), MODELS_DIR (default <shared>/models).
 * Goals (docs/DESIGN, 2 cores): identify end to end on a one-face 640x480 JPEG p50 ≤ 30 ms (these stages are
 * part of it, with alignment, embedding, search and HTTP on top); group photos ≥ 50 faces/s.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { DetectedFace, RgbImage } from '../src/recognition/engine/face.types.js';
import { FaceQualityAssessor } from '../src/recognition/engine/face-quality.js';
import { BlazeFaceDetector } from '../src/recognition/engine/blazeface-detector.js';
import { DlibFaceEmbedder } from '../src/recognition/engine/dlib-face-embedder.js';
import { cropResizeToBgrPlanes } from '../src/recognition/engine/image-crop.js';
import { ImageDecoder } from '../src/recognition/engine/image-decoder.js';
import {
  MINIFASNET_MODELS,
  MiniFasNetLiveness,
  silentFaceCropBox,
} from '../src/recognition/engine/minifasnet-liveness.js';
import { YuNetDetector } from '../src/recognition/engine/yunet-detector.js';
import { facePath, repoRoot, sharedModelsDir } from '../test/support/shared-data.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value] as const;
  }),
);
const RUNS = Number(args.get('runs') ?? 20);
const THREADS = Number(args.get('threads') ?? 1);
const DEFAULT_PACK = args.has('default-pack');
const WARM_UP = 3;

interface Photo {
  name: string;
  bytes: Buffer;
}

/** One-face 640x480 JPEGs (as a camera would send) and larger photos, some with many faces. */
async function loadPhotos(): Promise<Photo[]> {
  const file = (...parts: string[]) => readFile(facePath(...parts));
  const camera = async (name: string, ...parts: string[]) => ({
    name: `${name} (640x480 JPEG)`,
    bytes: await sharp(await file(...parts))
      .rotate()
      .resize(640, 480, { fit: 'cover' })
      .jpeg({ quality: 85 })
      .toBuffer(),
  });
  return [
    { name: 'antispoof/real-T1.jpg (640x480, EXIF 6)', bytes: await file('antispoof', 'real-T1.jpg') },
    await camera('deepface/img2.jpg', 'deepface', 'img2.jpg'),
    await camera('knn/test/obama_and_biden.jpg', 'knn', 'test', 'obama_and_biden.jpg'),
    { name: 'deepface/img1.jpg (1382x1868)', bytes: await file('deepface', 'img1.jpg') },
    { name: 'knn/test/obama_and_biden.jpg (2000x1428)', bytes: await file('knn', 'test', 'obama_and_biden.jpg') },
    { name: 'groups/insightface-t1.jpg', bytes: await file('groups', 'insightface-t1.jpg') },
    { name: 'groups/human-solvay1927.jpg (2048x922)', bytes: await file('groups', 'human-solvay1927.jpg') },
    { name: 'groups/retinaface-team.jpg (1000x644)', bytes: await file('groups', 'retinaface-team.jpg') },
  ];
}

async function medianMs(run: () => unknown): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The two Silent-Face crops of every face, as the liveness check makes them (no inference). */
function cropForLiveness(image: RgbImage, faces: DetectedFace[]): void {
  const data = new Float32Array(3 * 80 * 80);
  for (const face of faces) {
    for (const model of MINIFASNET_MODELS) {
      const box = silentFaceCropBox(image.width, image.height, face, model.scale);
      cropResizeToBgrPlanes(image, box, 80, 80, { data, offset: 0, planeWidth: 80, planeHeight: 80 });
    }
  }
}

/** Runs `work` RUNS times per lane in `lanes` parallel lanes: median latency per run and overall throughput. */
async function underLoad(work: () => Promise<void>, lanes: number): Promise<{ perImageMs: number; perSecond: number }> {
  for (let i = 0; i < WARM_UP; i++) await Promise.all(Array.from({ length: lanes }, work));
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        await work();
        times.push(performance.now() - start);
      }
    }),
  );
  const elapsed = performance.now() - started;
  times.sort((a, b) => a - b);
  return { perImageMs: times[Math.floor(times.length / 2)], perSecond: (times.length * 1000) / elapsed };
}

const fixed = (value: number, digits = 1) => value.toFixed(digits).padStart(7);

async function main(): Promise<void> {
  const decoder = new ImageDecoder();
  const builtIn = join(repoRoot, 'models');
  const options = { threads: THREADS };
  const detector = DEFAULT_PACK
    ? await BlazeFaceDetector.create(builtIn, options)
    : await YuNetDetector.create(sharedModelsDir, options);
  const liveness = DEFAULT_PACK ? null : await MiniFasNetLiveness.create(sharedModelsDir, options);
  if (!detector || (!DEFAULT_PACK && !liveness))
    throw new Error(`YuNet and MiniFASNet are needed in ${sharedModelsDir}`);
  const embedder = await DlibFaceEmbedder.create(builtIn, options);
  const quality = new FaceQualityAssessor();
  const photos = await loadPhotos();

  const load = () => loadavg()[0].toFixed(1);
  console.log(
    `Pipeline stages (${DEFAULT_PACK ? 'default pack' : 'optional pack'}), median of ${RUNS} runs, ` +
      `onnxruntime intra-op threads ${THREADS}, load ${load()}`,
  );
  console.log(
    'photo                                         size faces  decode  detect livenes (crop) quality   embed   total  faces/s  w/o live',
  );
  let oneFaceTotals: number[] = [];
  for (const photo of photos) {
    const image = await decoder.decode(photo.bytes);
    const faces = await detector.detect(image);
    const decodeMs = await medianMs(() => decoder.decode(photo.bytes));
    const detectMs = await medianMs(() => detector.detect(image));
    const livenessMs = liveness ? await medianMs(() => liveness.check(image, faces)) : 0;
    const cropMs = liveness ? await medianMs(() => cropForLiveness(image, faces)) : 0;
    const qualityMs = await medianMs(() => faces.map((face) => quality.assess(image, face)));
    const embedMs = await medianMs(() => embedder.embed(image, faces));
    const total = decodeMs + detectMs + livenessMs + qualityMs + embedMs;
    if (photo.name.includes('640x480') && faces.length === 1) oneFaceTotals.push(total);
    const size = `${image.width}x${image.height}`;
    const perSecond = (ms: number) => (faces.length > 0 ? fixed((faces.length * 1000) / ms, 0) : '      -');
    console.log(
      `${photo.name.padEnd(42)} ${size.padStart(9)} ${String(faces.length).padStart(5)} ${fixed(decodeMs)} ${fixed(detectMs)} ${fixed(livenessMs)} ${fixed(cropMs, 2)} ${fixed(qualityMs, 2)} ${fixed(embedMs)} ${fixed(total)}  ${perSecond(total)}  ${perSecond(total - livenessMs)}`,
    );
  }
  oneFaceTotals = oneFaceTotals.sort((a, b) => a - b);
  const p50 = oneFaceTotals[Math.floor(oneFaceTotals.length / 2)];
  console.log(
    `\nOne-face 640x480: decode + detect + liveness + quality + embed ≈ ${p50.toFixed(1)} ms (goal for the whole ` +
      'identify request, with search and HTTP: p50 ≤ 30 ms).',
  );
  console.log('Group photos: faces/s counts every stage (goal ≥ 50 faces/s end to end).');

  const pipeline = async (bytes: Buffer) => {
    const image = await decoder.decode(bytes);
    const faces = await detector.detect(image);
    if (liveness) await liveness.check(image, faces);
    for (const face of faces) quality.assess(image, face);
    await embedder.embed(image, faces);
  };
  console.log('\nUnder load: the whole pipeline with N images in flight, median ms per image, images per second');
  for (const photo of [photos[1], photos[photos.length - 1]]) {
    for (const inFlight of [1, 2]) {
      const { perImageMs, perSecond } = await underLoad(() => pipeline(photo.bytes), inFlight);
      console.log(
        `${photo.name.padEnd(42)} in flight ${inFlight}: ${fixed(perImageMs)} ms/image ${fixed(perSecond)} images/s`,
      );
    }
  }
  console.log(`Load average at the end: ${load()} (2 cores: above 2, other processes share the CPU).`);
}

await main();
