// Measures where the 68-point landmark model puts the nose, eyes and mouth (points 27-67) on dlib's own 150x150
// chips (../shared/faces/dlib/johns, 5 people x 11 chips, made by dlib's alignment): the mean over the chips is the
// embedder's `landmark_template` in scripts/models/manifest.mjs. Each chip goes through what the service does to a
// photo: the default detector's box, then FaceLandmarker's two passes.
// Run: npm run build:test && node dist/bench/chip-template.js   (prints the manifest's points)
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceLandmarker } from '../src/recognition/engine/face-landmarker.js';
import { FullRangeFaceDetector } from '../src/recognition/engine/full-range-detector.js';
import { facePath, repoRoot } from '../test/support/shared-data.js';

const FIRST_POINT = 27;

async function main(): Promise<void> {
  const models = process.env.MODELS_DIR ?? join(repoRoot, 'models');
  const detector = await FullRangeFaceDetector.create(models);
  const landmarker = await FaceLandmarker.create(models);
  if (!landmarker) throw new Error(`No face-landmark-68.onnx in ${models}: run npm run models:build`);
  const johns = facePath('dlib', 'johns');
  const sums = Array.from({ length: 68 - FIRST_POINT }, () => ({ x: 0, y: 0 }));
  let chips = 0;
  for (const person of (await readdir(johns)).sort()) {
    for (const file of (await readdir(join(johns, person))).sort()) {
      const { data, info } = await sharp(join(johns, person, file))
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const image = { width: info.width, height: info.height, data };
      const faces = await detector.detect(image);
      if (faces.length === 0) throw new Error(`No face found on the chip ${person}/${file}`);
      const face = faces.reduce((a, b) => (b.confidence > a.confidence ? b : a));
      const [points] = await landmarker.locate(image, [face.bbox]);
      points.slice(FIRST_POINT).forEach((p, i) => {
        sums[i].x += p.x;
        sums[i].y += p.y;
      });
      chips += 1;
    }
  }
  const round = (v: number) => Math.round((v / chips) * 100) / 100;
  console.log(`mean of ${chips} chips, points ${FIRST_POINT}-67 ([x, y] chip pixels):`);
  console.log(JSON.stringify({ first_point: FIRST_POINT, points: sums.map((p) => [round(p.x), round(p.y)]) }));
}

void main();
