import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { FullRangeFaceDetector } from '../../src/recognition/engine/full-range-detector.js';
import { DlibFaceEmbedder } from '../../src/recognition/engine/dlib-face-embedder.js';
import { FaceLandmarker } from '../../src/recognition/engine/face-landmarker.js';
import { euclideanDistance } from '../../src/recognition/match-decision.js';
import type { DetectedFace, RgbImage } from '../../src/recognition/engine/face.types.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FACES = join(process.env.SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared'), 'faces');

function build(outDir: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/models/build.mjs'), '--out', outDir, ...args], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

async function decode(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const area = (f: DetectedFace) => (f.bbox[2] - f.bbox[0]) * (f.bbox[3] - f.bbox[1]);

void describe('default model pack', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'models-a-')), mkdtempSync(join(tmpdir(), 'models-b-'))];
  let detector: FullRangeFaceDetector;
  let embedder: DlibFaceEmbedder;

  before(async () => {
    build(dirs[0]);
    build(dirs[1], '--force');
    detector = await FullRangeFaceDetector.create(dirs[0]);
    embedder = await DlibFaceEmbedder.create(dirs[0]);
  });

  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  void it('builds the same bytes and manifest every time', () => {
    const files = readdirSync(dirs[0]).sort();
    assert.deepEqual(files, [
      'blazeface-back.onnx',
      'blazeface-full-range.onnx',
      'dlib-resnet-v1.onnx',
      'face-landmark-68.onnx',
      'manifest.json',
    ]);
    assert.deepEqual(readdirSync(dirs[1]).sort(), files);
    for (const file of files)
      assert.ok(readFileSync(join(dirs[0], file)).equals(readFileSync(join(dirs[1], file))), file);
  });

  void it('skips models that are already up to date', () => {
    assert.match(build(dirs[0]), /up to date: blazeface-back, blazeface-full-range, face-landmark-68, dlib-resnet-v1/);
  });

  void it('lists each model with its hash, task and contract', () => {
    const manifest = JSON.parse(readFileSync(join(dirs[0], 'manifest.json'), 'utf8')) as {
      models: { id: string; task: string; sha256: string; default_threshold?: number; input: { layout: string } }[];
    };
    const byId = new Map(manifest.models.map((m) => [m.id, m]));
    assert.equal(byId.get('blazeface-back')?.task, 'face_detection');
    assert.equal(byId.get('blazeface-full-range')?.task, 'face_detection');
    assert.equal(byId.get('face-landmark-68')?.task, 'face_landmarks');
    assert.equal(byId.get('dlib-resnet-v1')?.task, 'face_embedding');
    assert.ok((byId.get('dlib-resnet-v1')?.default_threshold ?? 0) > 0);
    for (const m of manifest.models) assert.match(m.sha256, /^[0-9a-f]{64}$/);
  });

  void it('finds the three faces of obama_and_biden.jpg, eyes in image order', async () => {
    const faces = await detector.detect(await decode(join(FACES, 'knn/test/obama_and_biden.jpg')));

    // Obama, Biden, and a girl at the lower right, her face half in shadow (the back model missed her).
    assert.equal(faces.length, 3);
    for (const face of faces) {
      assert.ok(face.confidence >= 0.6 && face.confidence <= 1);
      assert.ok(face.landmarks.left_eye.x < face.landmarks.right_eye.x);
      const { x, y } = face.landmarks.nose;
      assert.ok(x > face.bbox[0] && x < face.bbox[2] && y > face.bbox[1] && y < face.bbox[3], 'nose inside the box');
    }
  });

  void it('puts the 68 landmarks of each face on its eyes, nose and mouth, and the embedder aligns on them', async () => {
    const image = await decode(join(FACES, 'knn/test/obama_and_biden.jpg'));
    const faces = await detector.detect(image);
    const landmarker = await FaceLandmarker.create(dirs[0]);
    assert.ok(landmarker, 'the pack has the landmark model');
    assert.equal(embedder.landmarkModelId, 'face-landmark-68');
    const located = await landmarker.locate(
      image,
      faces.map((face) => face.bbox),
    );
    const mean = (points: { x: number; y: number }[]) => ({
      x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
      y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
    });
    faces.forEach((face, i) => {
      const points = located[i];
      assert.equal(points.length, 68);
      const width = face.bbox[2] - face.bbox[0];
      const near = (p: { x: number; y: number }, q: { x: number; y: number }, what: string) =>
        assert.ok(Math.hypot(p.x - q.x, p.y - q.y) < 0.15 * width, `${what} of face ${i}`);
      // Points 36-41 ring the image-left eye, 42-47 the image-right one, 30 is the nose tip, 48-67 the mouth.
      near(mean(points.slice(36, 42)), face.landmarks.left_eye, 'image-left eye');
      near(mean(points.slice(42, 48)), face.landmarks.right_eye, 'image-right eye');
      near(points[30], face.landmarks.nose, 'nose tip');
      near(mean(points.slice(48, 68)), mean([face.landmarks.mouth_left, face.landmarks.mouth_right]), 'mouth');
    });
  });

  void it('embeds the faces of a group photo in chunks, each as it is embedded alone, with either session', async () => {
    const image = await decode(join(FACES, 'groups/retinaface-team.jpg'));
    const faces = await detector.detect(image);
    assert.ok(faces.length > 8, `more faces (${faces.length}) than a landmark or embedding chunk holds`);
    const together = await embedder.embed(image, faces);
    const twoThreads = await DlibFaceEmbedder.create(dirs[0], { aloneThreads: 2 });
    const alone = await twoThreads.embed(image, faces, { alone: true });
    for (const [i, face] of faces.entries()) {
      const [single] = await embedder.embed(image, [face]);
      assert.ok(euclideanDistance(together[i], single) < 1e-5, `face ${i} in the group as alone`);
      assert.ok(euclideanDistance(alone[i], single) < 1e-5, `face ${i} on the two-thread sessions`);
    }
  });

  void it('finds the same faces on the two-thread session an image alone in the models uses', async () => {
    const image = await decode(join(FACES, 'groups/retinaface-team.jpg'));
    const twoThreads = await FullRangeFaceDetector.create(dirs[0], { aloneThreads: 2 });
    const shared = await detector.detect(image);
    const alone = await twoThreads.detect(image, { alone: true });
    assert.ok(shared.length > 8, `faces found: ${shared.length}`);
    assert.equal(alone.length, shared.length);
    for (const [i, face] of shared.entries()) {
      face.bbox.forEach((value, k) => assert.ok(Math.abs(alone[i].bbox[k] - value) < 1e-3, `face ${i} box`));
      assert.ok(Math.abs(alone[i].confidence - face.confidence) < 1e-4, `face ${i} score`);
    }
  });

  void it('makes descriptors for comparing two photos that differ from the searched ones only for turned faces', async () => {
    const frontal = await decode(join(FACES, 'cfp-dev/Data/Images/381/frontal/03.jpg'));
    const profile = await decode(join(FACES, 'cfp-dev/Data/Images/381/profile/04.jpg'));
    const [frontalFace] = await detector.detect(frontal);
    const [profileFace] = await detector.detect(profile);
    const [searched] = await embedder.embed(frontal, [frontalFace]);
    const [compared] = await embedder.embedForComparison(frontal, [frontalFace]);
    assert.ok(euclideanDistance(searched, compared) < 1e-6, 'a frontal face: the same descriptor');
    const [searchedProfile] = await embedder.embed(profile, [profileFace]);
    const [comparedProfile] = await embedder.embedForComparison(profile, [profileFace]);
    assert.ok(euclideanDistance(searchedProfile, comparedProfile) > 0.05, 'a profile: both alignments');
    assert.ok(Math.abs(Math.hypot(...comparedProfile) - 1) < 1e-5, 'normalised');
    assert.ok(euclideanDistance(compared, comparedProfile) < euclideanDistance(searched, searchedProfile));
    // Given the searched descriptors, the same comparison descriptor, and the searched one left as it was.
    const kept = Float32Array.from(searchedProfile);
    const [fromSearched] = await embedder.embedForComparison(profile, [profileFace], {}, [searchedProfile]);
    assert.ok(euclideanDistance(fromSearched, comparedProfile) < 1e-6);
    assert.deepEqual(searchedProfile, kept);
  });

  void it('finds no face in dogs.jpg', async () => {
    assert.deepEqual(await detector.detect(await decode(join(FACES, 'dlib/faces/dogs.jpg'))), []);
  });

  void it('puts two photos of one person within the threshold and two people beyond it', async () => {
    const embed = async (file: string) => {
      const image = await decode(join(FACES, 'knn/train', file));
      const faces = await detector.detect(image);
      assert.ok(faces.length > 0, `a face in ${file}`);
      const [descriptor] = await embedder.embed(image, [faces.reduce((a, b) => (area(b) > area(a) ? b : a))]);
      assert.equal(descriptor.length, 128);
      assert.ok(Math.abs(Math.hypot(...descriptor) - 1) < 1e-5, 'L2-normalised');
      return descriptor;
    };
    const [obama, obama2, biden, biden2] = await Promise.all(
      ['obama/obama.jpg', 'obama/obama2.jpg', 'biden/biden.jpg', 'biden/biden2.jpg'].map(embed),
    );
    const threshold = embedder.defaultThreshold;

    assert.ok(euclideanDistance(obama, obama2) < threshold);
    assert.ok(euclideanDistance(biden, biden2) < threshold);
    assert.ok(euclideanDistance(obama, biden) > threshold);
    assert.ok(euclideanDistance(obama2, biden2) > threshold);
  });
});
