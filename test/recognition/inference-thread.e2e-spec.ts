import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { InferenceThread, ThreadOnnxSession } from '../../src/recognition/engine/inference-thread.js';
import { onnxSessionOptions } from '../../src/recognition/engine/onnx-session-options.js';
import { repoRoot } from '../support/shared-data.js';

const DLIB = join(repoRoot, 'models', 'dlib-resnet-v1.onnx');
const CHIP = 150 * 150 * 3;

/** `items` random chips as a view into the middle of a larger buffer (a caller may pass such a view). */
function chips(items: number): Float32Array {
  const buffer = new Float32Array((items + 2) * CHIP).map(() => Math.random() * 255);
  return buffer.subarray(CHIP, (items + 1) * CHIP);
}

void describe('inference thread', () => {
  const thread = new InferenceThread();
  after(() => thread.stop());

  void it('runs a model as onnxruntime does on the event loop, and leaves the caller its input', async () => {
    const input = chips(3);
    const before = input.slice();
    const local = await ort.InferenceSession.create(DLIB, onnxSessionOptions(1));
    const remote = await ThreadOnnxSession.open(thread, DLIB, 1);
    const feeds = () => ({ input: new ort.Tensor('float32', input, [3, 150, 150, 3]) });
    const expected = (await local.run(feeds())).descriptor;
    const got = (await remote.run(feeds())).descriptor;
    assert.ok(got instanceof ort.Tensor);
    assert.deepEqual(got.dims, expected.dims);
    const data = got.data as Float32Array;
    assert.equal(data.length, 3 * 128);
    const largest = data.reduce((max, v, i) => Math.max(max, Math.abs(v - (expected.data as Float32Array)[i])), 0);
    assert.ok(largest < 1e-5, `outputs differ by ${largest}`);
    assert.deepEqual(input, before, 'the input is neither moved nor changed');
    await local.release();
  });

  void it('moves a handed-over input that is a whole buffer, and copies one that views part of a buffer', async () => {
    const remote = await ThreadOnnxSession.open(thread, DLIB, 1);
    const whole = chips(2).slice();
    const copy = whole.slice();
    const kept = (await remote.run({ input: new ort.Tensor('float32', copy, [2, 150, 150, 3]) })).descriptor;
    assert.equal(copy.length, 2 * CHIP, 'without handOver the input is copied');
    const moved = await remote.run({ input: new ort.Tensor('float32', whole, [2, 150, 150, 3]) }, { handOver: true });
    assert.equal(whole.length, 0, 'the handed-over buffer moved to the thread');
    assert.deepEqual(moved.descriptor.data, kept.data, 'the same outputs either way');
    const part = chips(2);
    const before = part.slice();
    await remote.run({ input: new ort.Tensor('float32', part, [2, 150, 150, 3]) }, { handOver: true });
    assert.deepEqual(part, before, 'a view into part of a buffer is copied even when handed over');
  });

  void it('keeps the event loop turning while a model runs', async () => {
    const remote = await ThreadOnnxSession.open(thread, DLIB, 1);
    const input = chips(16);
    const feeds = { input: new ort.Tensor('float32', input, [16, 150, 150, 3]) };
    await remote.run(feeds); // the first run of a shape plans its memory
    let done = false;
    let turns = 0;
    const run = remote.run(feeds).finally(() => (done = true));
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
    await run;
    // On the event loop, onnxruntime-node's run is one synchronous call: no turn at all while 16 chips go through.
    assert.ok(turns > 20, `the event loop turned ${turns} times during the run`);
  });

  void it('reports errors, and opens its sessions again on a new thread after the thread stopped', async () => {
    await assert.rejects(ThreadOnnxSession.open(thread, join(repoRoot, 'models', 'missing.onnx'), 1));
    const remote = await ThreadOnnxSession.open(thread, DLIB, 1);
    await assert.rejects(remote.run({ input: new ort.Tensor('float32', new Float32Array(12), [1, 2, 2, 3]) }));
    const feeds = { input: new ort.Tensor('float32', chips(8), [8, 150, 150, 3]) };
    const pending = assert.rejects(remote.run(feeds), /stopped/);
    await thread.stop();
    await pending;
    const after = await remote.run(feeds);
    assert.equal((after.descriptor.data as Float32Array).length, 8 * 128);
  });
});
