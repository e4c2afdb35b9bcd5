/**
 * Stage timings of the face-analysis pipeline on shared photos: decode (sharp), YuNet detection, MiniFASNet
 * liveness (both models, all faces batched), quality (pure TS). Median ms per stage over several runs, one
 * request at a time, beside the design's goals where it has one.
 *
 *   npm run build:test && node dist/bench/pipeline-stages.bench.js [--runs=20] [--threads=1]
 *
 * Env: SHARED_DIR (default <repo>/../shared), MODELS_DIR (default <shared>/models).
 * Goals (docs/DESIGN, 2 cores): identify end to end on a one-face 640x480 JPEG p50 ≤ 30 ms (these stages are
 * part of it, with alignment, embedding, search and HTTP on top); group photos ≥ 50 faces/s.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import sharp from 'sharp';
import type { DetectedFace, RgbImage } from '../src/recognition/engine/face.types.js';
import { FaceQualityAssessor } from '../src/recognition/engine/face-quality.js';
import { cropResizeToBgrPlanes } from '../src/recognition/engine/image-crop.js';
import { ImageDecoder } from '../src/recognition/engine/image-decoder.js';
import {
  MINIFASNET_MODELS,
  MiniFasNetLiveness,
  silentFaceCropBox,
} from '../src/recognition/engine/minifasnet-liveness.js';
import { YuNetDetector } from '../src/recognition/engine/yunet-detector.js';
import { facePath, sharedModelsDir } from '../test/support/shared-data.js';

const args = new Map(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value] as const;
  }),
);
const RUNS = Number(args.get('runs') ?? 20);
const THREADS = Number(args.get('threads') ?? 1);
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

const fixed = (value: number, digits = 1) => value.toFixed(digits).padStart(7);

async function main(): Promise<void> {
  const decoder = new ImageDecoder();
  const detector = await YuNetDetector.create(sharedModelsDir, { threads: THREADS });
  const liveness = await MiniFasNetLiveness.create(sharedModelsDir, { threads: THREADS });
  if (!detector || !liveness) throw new Error(`YuNet and MiniFASNet are needed in ${sharedModelsDir}`);
  const quality = new FaceQualityAssessor();
  const photos = await loadPhotos();

  const load = () => loadavg()[0].toFixed(1);
  console.log(`Pipeline stages, median of ${RUNS} runs, onnxruntime intra-op threads ${THREADS}, load ${load()}`);
  console.log(
    'photo                                         size faces  decode  detect livenes (crop) quality   total  faces/s  w/o live',
  );
  let oneFaceTotals: number[] = [];
  for (const photo of photos) {
    const image = await decoder.decode(photo.bytes);
    const faces = await detector.detect(image);
    const decodeMs = await medianMs(() => decoder.decode(photo.bytes));
    const detectMs = await medianMs(() => detector.detect(image));
    const livenessMs = await medianMs(() => liveness.check(image, faces));
    const cropMs = await medianMs(() => cropForLiveness(image, faces));
    const qualityMs = await medianMs(() => faces.map((face) => quality.assess(image, face)));
    const total = decodeMs + detectMs + livenessMs + qualityMs;
    if (photo.name.includes('640x480') && faces.length === 1) oneFaceTotals.push(total);
    const size = `${image.width}x${image.height}`;
    const perSecond = (ms: number) => (faces.length > 0 ? fixed((faces.length * 1000) / ms, 0) : '      -');
    console.log(
      `${photo.name.padEnd(42)} ${size.padStart(9)} ${String(faces.length).padStart(5)} ${fixed(decodeMs)} ${fixed(detectMs)} ${fixed(livenessMs)} ${fixed(cropMs, 2)} ${fixed(qualityMs, 2)} ${fixed(total)}  ${perSecond(total)}  ${perSecond(total - livenessMs)}`,
    );
  }
  oneFaceTotals = oneFaceTotals.sort((a, b) => a - b);
  const p50 = oneFaceTotals[Math.floor(oneFaceTotals.length / 2)];
  console.log(
    `\nOne-face 640x480: decode + detect + liveness + quality ≈ ${p50.toFixed(1)} ms (goal for the whole identify ` +
      'request, with embedding, search and HTTP: p50 ≤ 30 ms).',
  );
  console.log('Group photos: faces/s counts decode + detect (+ liveness) + quality (goal ≥ 50 faces/s end to end).');
  console.log(`Load average at the end: ${load()} (2 cores: above 2, other processes share the CPU).`);
}

await main();
