import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDotProductKernels, createWasmMemory, padDimensions } from './dot-product-kernels.js';

function randomInts(count: number, low: number, high: number): number[] {
  return Array.from({ length: count }, () => low + Math.floor(Math.random() * (high - low + 1)));
}

void describe(createDotProductKernels.name, () => {
  for (const dimensions of [16, 128, 200]) {
    void it(`computes int8 x int16 dot products times the scales for ${dimensions} dimensions`, () => {
      const padded = padDimensions(dimensions);
      const rows = 37;
      const memory = createWasmMemory(1 << 20);
      const sut = createDotProductKernels(padded, memory);
      const [queryPtr, scalesPtr, outPtr, codesPtr] = [0, 4096, 8192, 12288];
      const query = new Int16Array(memory.buffer, queryPtr, padded);
      const scales = new Float32Array(memory.buffer, scalesPtr, rows);
      const codes = new Int8Array(memory.buffer, codesPtr, rows * padded);
      query.set(randomInts(dimensions, -32767, 32767));
      codes.set(randomInts(rows * padded, -127, 127));
      scales.set(Array.from({ length: rows }, () => Math.random()));
      const queryScale = 1 / 4096;
      sut.int8Scores(queryPtr, codesPtr, scalesPtr, rows, outPtr, queryScale);
      const out = new Float32Array(memory.buffer, outPtr, rows);
      for (let row = 0; row < rows; row += 1) {
        let dot = 0;
        for (let index = 0; index < padded; index += 1) dot += codes[row * padded + index] * query[index];
        const expected = Math.fround(Math.fround(Math.fround(dot) * scales[row]) * queryScale);
        assert.equal(out[row], expected, `row ${row}`);
      }
    });
  }

  void it('collects the indices of the scores at or above a floor, ignoring scores past the count', () => {
    const memory = createWasmMemory(1 << 20);
    const sut = createDotProductKernels(16, memory);
    const [scoresPtr, outPtr] = [0, 65536];
    for (const count of [0, 1, 3, 4, 5, 37, 1000]) {
      const scores = new Float32Array(memory.buffer, scoresPtr, count + 8);
      scores.set(Array.from(scores, () => Math.random() * 2 - 1));
      scores.fill(5, count); // beyond the count: must never be collected
      for (const floor of [-Infinity, -0.5, 0.3, 0.99, 2]) {
        const found = sut.collectAtLeast(scoresPtr, count, floor, outPtr);
        const expected = [...scores.subarray(0, count).keys()].filter((index) => scores[index] >= Math.fround(floor));
        assert.deepEqual([...new Int32Array(memory.buffer, outPtr, found)], expected, `count ${count}, floor ${floor}`);
      }
    }
  });

  void it('computes float32 dot products', () => {
    const padded = padDimensions(128);
    const rows = 9;
    const memory = createWasmMemory(1 << 20);
    const sut = createDotProductKernels(padded, memory);
    const [queryPtr, outPtr, rowsPtr] = [0, 1024, 2048];
    const query = new Float32Array(memory.buffer, queryPtr, padded);
    const data = new Float32Array(memory.buffer, rowsPtr, rows * padded);
    query.set(Array.from(query, () => Math.random() - 0.5));
    data.set(Array.from(data, () => Math.random() - 0.5));
    sut.float32Dots(queryPtr, rowsPtr, rows, outPtr);
    const out = new Float32Array(memory.buffer, outPtr, rows);
    for (let row = 0; row < rows; row += 1) {
      let dot = 0;
      for (let index = 0; index < padded; index += 1) dot += data[row * padded + index] * query[index];
      assert.ok(Math.abs(out[row] - dot) < 1e-5, `row ${row}`);
    }
  });

  void it('writes nothing for zero rows', () => {
    const memory = createWasmMemory(65536);
    const sut = createDotProductKernels(16, memory);
    const out = new Float32Array(memory.buffer, 1024, 1).fill(42);
    sut.int8Scores(0, 2048, 4096, 0, 1024, 1);
    sut.float32Dots(0, 2048, 0, 1024);
    assert.equal(out[0], 42);
  });

  void it('refuses a dimension that is not a multiple of 16', () => {
    assert.throws(() => createDotProductKernels(20, createWasmMemory(65536)), RangeError);
  });
});
