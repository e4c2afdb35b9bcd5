import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { facePath, repoRoot, skipWithoutPhotos } from '../support/shared-data.js';
import { type FaceApi, loadFaceApi, loadHumanGraphModel } from '../support/tfjs-reference.js';

// Each ONNX graph of the default pack against the TF.js model it was converted from, on a real photo, with the
// TF.js CPU backend bundled in @vladmandic/face-api. The pack under test is the one in <repo>/models.
const MODELS = join(repoRoot, 'models');
const require = createRequire(import.meta.url);

async function rgb(path: string, width: number, height: number): Promise<Float32Array> {
  const data = await sharp(path).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  return Float32Array.from(data);
}

async function runOnnx(file: string, input: Float32Array, shape: number[]) {
  const session = await ort.InferenceSession.create(join(MODELS, file));
  return session.run({ input: new ort.Tensor('float32', input, shape) });
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.min(100, Math.max(-100, x))));

void describe('default pack ONNX graphs against their TF.js originals', { skip: skipWithoutPhotos }, () => {
  let faceapi: FaceApi;
  before(async () => {
    faceapi = await loadFaceApi();
  });

  void it('full-range BlazeFace: the same scores and boxes as facemesh-detection-full', async () => {
    const { tf } = faceapi;
    const input = await rgb(facePath('knn', 'test', 'obama_and_biden.jpg'), 192, 192);
    const model = await loadHumanGraphModel(tf, 'facemesh-detection-full');
    const x = tf.tensor(
      input.map((v) => v / 127.5 - 1),
      [1, 192, 192, 3],
    );
    const reference = await model.execute(x, 'Identity:0').data(); // [1, 2304, 17]: logit, then 16 regressors
    const out = await runOnnx('blazeface-full-range.onnx', input, [1, 192, 192, 3]);
    const scores = out.scores.data as Float32Array;
    const boxes = out.boxes.data as Float32Array;

    const refScores = Float32Array.from({ length: 2304 }, (_, i) => sigmoid(reference[i * 17]));
    const refBoxes = Float32Array.from(
      { length: 2304 * 16 },
      (_, i) => reference[Math.floor(i / 16) * 17 + 1 + (i % 16)],
    );
    assert.ok(Math.max(...scores) > 0.8, 'the photo has faces');
    assert.ok(maxAbs(scores, refScores) < 1e-5, `scores differ by ${maxAbs(scores, refScores)}`);
    assert.ok(maxAbs(boxes, refBoxes) < 1e-3, `regressors differ by ${maxAbs(boxes, refBoxes)}`);
  });

  void it('back-camera BlazeFace: the same scores and boxes as blazeface-back', async () => {
    const { tf } = faceapi;
    const input = await rgb(facePath('knn', 'test', 'obama_and_biden.jpg'), 256, 256);
    const model = await loadHumanGraphModel(tf, 'blazeface-back');
    const x = tf.tensor(
      input.map((v) => v / 127.5 - 1),
      [1, 256, 256, 3],
    );
    const logits = [
      ...(await model.execute(x, 'Identity:0').data()),
      ...(await model.execute(x, 'Identity_1:0').data()),
    ];
    const regressors = [
      ...(await model.execute(x, 'Identity_2:0').data()),
      ...(await model.execute(x, 'Identity_3:0').data()),
    ];
    const out = await runOnnx('blazeface-back.onnx', input, [1, 256, 256, 3]);

    assert.ok(maxAbs(out.scores.data as Float32Array, logits.map(sigmoid)) < 1e-5);
    assert.ok(maxAbs(out.boxes.data as Float32Array, regressors) < 2e-3);
  });

  /** The decoded weights of one of face-api's models (`model/<name>-weights_manifest.json`). */
  function faceApiWeights(name: string): unknown {
    const dir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    const manifest = JSON.parse(readFileSync(join(dir, `${name}-weights_manifest.json`), 'utf8')) as {
      paths: string[];
      weights: unknown[];
    }[];
    const bin = readFileSync(join(dir, manifest[0].paths[0]));
    const bytes = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
    return faceapi.tf.io.decodeWeights(bytes, manifest[0].weights);
  }

  void it('68-point landmarks: the same points as face-api finds with the same weights', async () => {
    const net = faceapi.nets.faceLandmark68Net;
    net.loadFromWeightMap(faceApiWeights('face_landmark_68_model'));
    const input = await rgb(facePath('dlib', 'johns', 'John_Salley', '000179_02159509.jpg'), 112, 112);
    const found = await net.detectLandmarks(faceapi.tf.tensor(input, [112, 112, 3]));
    const reference = found.relativePositions.flatMap((p) => [p.x, p.y]);
    const out = (await runOnnx('face-landmark-68.onnx', input, [1, 112, 112, 3])).landmarks.data as Float32Array;

    assert.equal(reference.length, 136);
    assert.ok(maxAbs(out, reference) < 1e-5, `points differ by ${maxAbs(out, reference)}`);
  });

  void it('dlib ResNet: the same descriptor as face-api computes from the same weights', async () => {
    const { tf } = faceapi;
    const net = faceapi.nets.faceRecognitionNet;
    net.loadFromWeightMap(faceApiWeights('face_recognition_model'));
    const input = await rgb(facePath('dlib', 'johns', 'John_Salley', '000179_02159509.jpg'), 150, 150);
    const reference = await net.computeFaceDescriptor(tf.tensor(input, [150, 150, 3]));
    const out = await runOnnx('dlib-resnet-v1.onnx', input, [1, 150, 150, 3]);

    assert.ok(maxAbs(out.descriptor.data as Float32Array, reference) < 1e-5);
  });
});
