// Accuracy of the default model pack (BlazeFace + dlib ResNet) on LFW View 1 and deepface's verification pairs.
// Run: npm run build:test && node dist/bench/accuracy-lfw.js
// Env: SHARED_DIR (default <repo>/../shared), MODELS_DIR (default <repo>/models).
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { BLAZEFACE_MIN_CONFIDENCE, BlazeFaceDetector } from '../src/recognition/engine/blazeface-detector.js';
import { DlibFaceEmbedder, descriptorDistance } from '../src/recognition/engine/dlib-face-embedder.js';
import type { DetectedFace, RgbImage } from '../src/recognition/engine/face.types.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHARED = process.env.SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');
const MODELS = process.env.MODELS_DIR ?? join(REPO_ROOT, 'models');
const LFW = join(SHARED, 'faces', 'lfw-dev');
/** When BlazeFace finds no face at its default score, it is asked again at this lower score (reported). */
const FALLBACK_CONFIDENCE = 0.3;

interface Pair {
  a: string;
  b: string;
  same: boolean;
}

interface Embedded {
  descriptor?: Float32Array;
  how: 'default' | 'lowered' | 'none';
}

const lfwPath = (name: string, index: string) => join(LFW, 'images', name, `${name}_${index.padStart(4, '0')}.jpg`);

async function readPairs(file: string): Promise<Pair[]> {
  const lines = (await readFile(join(LFW, file), 'utf8')).split('\n').filter((l) => l.trim());
  return lines.map((line) => {
    const f = line.trim().split('\t');
    if (f.length === 3) return { a: lfwPath(f[0], f[1]), b: lfwPath(f[0], f[2]), same: true };
    if (f.length === 4) return { a: lfwPath(f[0], f[1]), b: lfwPath(f[2], f[3]), same: false };
    throw new Error(`Bad pair line in ${file}: ${line}`);
  });
}

async function decode(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const area = (f: DetectedFace) => (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]);
const largest = (faces: DetectedFace[]) =>
  faces.reduce<DetectedFace | undefined>((best, f) => (!best || area(f) > area(best) ? f : best), undefined);

class Runner {
  readonly timings = { detect: 0, embed: 0, faces: 0 };
  private readonly cache = new Map<string, Embedded>();

  constructor(
    private readonly detector: BlazeFaceDetector,
    private readonly embedder: DlibFaceEmbedder,
  ) {}

  async embed(path: string): Promise<Embedded> {
    const cached = this.cache.get(path);
    if (cached) return cached;
    const image = await decode(path);
    let started = performance.now();
    let how: Embedded['how'] = 'default';
    let face = largest(await this.detector.detect(image));
    if (!face) {
      how = 'lowered';
      face = largest(await this.detector.detect(image, { minConfidence: FALLBACK_CONFIDENCE }));
    }
    this.timings.detect += performance.now() - started;
    let result: Embedded = { how: 'none' };
    if (face) {
      started = performance.now();
      const [descriptor] = await this.embedder.embed(image, [face]);
      this.timings.embed += performance.now() - started;
      this.timings.faces += 1;
      result = { descriptor, how };
    }
    this.cache.set(path, result);
    return result;
  }

  /** Distances of each pair; a pair with an image where no face was found gets Infinity (judged "different"). */
  async distances(pairs: Pair[]): Promise<number[]> {
    const out: number[] = [];
    for (const p of pairs) {
      const [a, b] = [await this.embed(p.a), await this.embed(p.b)];
      out.push(a.descriptor && b.descriptor ? descriptorDistance(a.descriptor, b.descriptor) : Infinity);
    }
    return out;
  }

  count(how: Embedded['how']): number {
    return [...this.cache.values()].filter((e) => e.how === how).length;
  }
}

function accuracy(pairs: Pair[], distances: number[], threshold: number): number {
  const right = pairs.filter((p, i) => distances[i] < threshold === p.same).length;
  return right / pairs.length;
}

/** The threshold (midpoint between neighbouring distances) with the best accuracy on the given pairs. */
function bestThreshold(pairs: Pair[], distances: number[]): number {
  const finite = [...new Set(distances.filter(Number.isFinite))].sort((x, y) => x - y);
  let best = { threshold: 0, acc: -1 };
  for (let i = 0; i + 1 < finite.length; i += 1) {
    const threshold = (finite[i] + finite[i + 1]) / 2;
    const acc = accuracy(pairs, distances, threshold);
    if (acc > best.acc) best = { threshold, acc };
  }
  return best.threshold;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

async function main(): Promise<void> {
  const detector = await BlazeFaceDetector.create(MODELS);
  const embedder = await DlibFaceEmbedder.create(MODELS);
  const runner = new Runner(detector, embedder);
  const train = await readPairs('pairsDevTrain.txt');
  const test = await readPairs('pairsDevTest.txt');
  const trainD = await runner.distances(train);
  const testD = await runner.distances(test);
  const threshold = bestThreshold(train, trainD);
  const images = runner.count('default') + runner.count('lowered') + runner.count('none');

  console.log(`LFW View 1 (${LFW}), ${images} images; models ${MODELS}`);
  console.log(`  faces found at score >= ${BLAZEFACE_MIN_CONFIDENCE}: ${runner.count('default')}`);
  console.log(`  found only at score >= ${FALLBACK_CONFIDENCE} (largest face used): ${runner.count('lowered')}`);
  console.log(`  no face found (pairs with them count as "different"): ${runner.count('none')}`);
  console.log(
    `  threshold chosen on pairsDevTrain: ${threshold.toFixed(4)} (train accuracy ${pct(accuracy(train, trainD, threshold))})`,
  );
  console.log(`  pairsDevTest accuracy at that threshold: ${pct(accuracy(test, testD, threshold))}   goal >= 99.00%`);
  console.log(
    `  pairsDevTest accuracy at the manifest threshold ${embedder.defaultThreshold}: ${pct(accuracy(test, testD, embedder.defaultThreshold))}`,
  );

  const csv = (await readFile(join(SHARED, 'faces', 'deepface', 'master.csv'), 'utf8')).trim().split('\n').slice(1);
  const deepface: Pair[] = csv.map((line) => {
    const [x, y, decision] = line.trim().split(',');
    return {
      a: join(SHARED, 'faces', 'deepface', x),
      b: join(SHARED, 'faces', 'deepface', y),
      same: decision === 'Yes',
    };
  });
  const dfD = await runner.distances(deepface);
  const wrong = deepface.filter((p, i) => dfD[i] < embedder.defaultThreshold !== p.same);
  console.log(`deepface master.csv at the default threshold ${embedder.defaultThreshold}:`);
  console.log(`  right ${deepface.length - wrong.length} of ${deepface.length}   goal: all ${deepface.length}`);
  for (const p of wrong) {
    const i = deepface.indexOf(p);
    console.log(
      `  wrong: ${p.a.split('/').pop()} ${p.b.split('/').pop()} ${p.same ? 'same' : 'different'} d=${dfD[i].toFixed(4)}`,
    );
  }
  const sameMax = Math.max(...dfD.filter((d, i) => deepface[i].same));
  const diffMin = Math.min(...dfD.filter((d, i) => !deepface[i].same));
  console.log(
    `  largest same-person distance ${sameMax.toFixed(4)}, smallest different-person distance ${diffMin.toFixed(4)}`,
  );
  const { detect, embed, faces } = runner.timings;
  console.log(
    `speed: detect ${(detect / runner.count('default')).toFixed(1)} ms per image, embed ${(embed / faces).toFixed(1)} ms per face`,
  );
}

await main();
