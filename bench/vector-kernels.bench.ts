/**
 * The scoring kernels the vector index could use, measured side by side: the time to score every row of
 * a 128-d gallery against one query (no top-k), median of several runs.
 *
 *   npm run build:test && node dist/bench/vector-kernels.bench.js [--sizes=100000,1000000] [--runs=15]
 *
 * Options: plain JS float32 and int8 loops; the WebAssembly SIMD float32 and int8 kernels the index emits;
 * the int8 kernel split over 1 or 2 worker_threads (each owning half the rows); onnxruntime-node MatMul
 * with 1 and 2 intra-op threads.
 */
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { createDotProductKernels, createWasmMemory } from '../src/recognition/index/dot-product-kernels.js';

const DIMENSIONS = 128;

function option(name: string, fallback: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length) ?? fallback;
}

function randomUnitRows(rows: number): Float32Array {
  const data = new Float32Array(rows * DIMENSIONS);
  for (let row = 0; row < rows; row += 1) {
    let norm = 0;
    for (let index = 0; index < DIMENSIONS; index += 1) {
      data[row * DIMENSIONS + index] = Math.random() * 2 - 1;
      norm += data[row * DIMENSIONS + index] ** 2;
    }
    for (let index = 0; index < DIMENSIONS; index += 1) data[row * DIMENSIONS + index] /= Math.sqrt(norm);
  }
  return data;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

async function timeMedian(runs: number, score: () => unknown): Promise<number> {
  for (let warmUp = 0; warmUp < 3; warmUp += 1) await score();
  const durations: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await score();
    durations.push(performance.now() - started);
  }
  return median(durations);
}

/** Same quantisation as the index: int8 rows with one scale each, int16 query. */
function quantize(rows: Float32Array, count: number): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(count * DIMENSIONS);
  const scales = new Float32Array(count);
  for (let row = 0; row < count; row += 1) {
    let largest = 0;
    for (let index = 0; index < DIMENSIONS; index += 1) {
      largest = Math.max(largest, Math.abs(rows[row * DIMENSIONS + index]));
    }
    scales[row] = largest / 127;
    for (let index = 0; index < DIMENSIONS; index += 1) {
      codes[row * DIMENSIONS + index] = Math.round(rows[row * DIMENSIONS + index] / scales[row]);
    }
  }
  return { codes, scales };
}

/** A WebAssembly memory holding int8 rows, their scales and room for scores; returns a scan function. */
function int8WasmScanner(codes: Int8Array, scales: Float32Array, query: Int16Array): () => void {
  return int8WasmShard(codes, scales, query).scan;
}

function int8WasmShard(
  codes: Int8Array,
  scales: Float32Array,
  query: Int16Array,
): { scan: () => void; queryCodes: Int16Array } {
  const count = scales.length;
  const scalesPtr = 1024;
  const scoresPtr = scalesPtr + count * 4;
  const codesPtr = scoresPtr + count * 4;
  const memory = createWasmMemory(codesPtr + codes.length);
  const kernels = createDotProductKernels(DIMENSIONS, memory);
  const queryCodes = new Int16Array(memory.buffer, 0, DIMENSIONS);
  queryCodes.set(query);
  new Float32Array(memory.buffer, scalesPtr, count).set(scales);
  new Int8Array(memory.buffer, codesPtr, codes.length).set(codes);
  return { scan: () => kernels.int8Scores(0, codesPtr, scalesPtr, count, scoresPtr, 1e-5), queryCodes };
}

function float32WasmScanner(rows: Float32Array, query: Float32Array): () => void {
  const count = rows.length / DIMENSIONS;
  const scoresPtr = 1024;
  const rowsPtr = scoresPtr + count * 4;
  const memory = createWasmMemory(rowsPtr + rows.byteLength);
  const kernels = createDotProductKernels(DIMENSIONS, memory);
  new Float32Array(memory.buffer, 0, DIMENSIONS).set(query);
  new Float32Array(memory.buffer, rowsPtr, rows.length).set(rows);
  return () => kernels.float32Dots(0, rowsPtr, count, scoresPtr);
}

function jsFloat32Scan(rows: Float32Array, query: Float32Array, scores: Float32Array): void {
  for (let row = 0; row < scores.length; row += 1) {
    const offset = row * DIMENSIONS;
    let sum = 0;
    for (let index = 0; index < DIMENSIONS; index += 1) sum += rows[offset + index] * query[index];
    scores[row] = sum;
  }
}

function jsInt8Scan(codes: Int8Array, scales: Float32Array, query: Int16Array, scores: Float32Array): void {
  for (let row = 0; row < scores.length; row += 1) {
    const offset = row * DIMENSIONS;
    let sum = 0;
    for (let index = 0; index < DIMENSIONS; index += 1) sum += codes[offset + index] * query[index];
    scores[row] = sum * scales[row];
  }
}

/** Hand-encoded ONNX model (protobuf): y[n,1] = MatMul(m[n,128], q[128,1]). */
function matMulModel(): Uint8Array {
  const varint = (value: number): number[] => {
    const bytes: number[] = [];
    for (let rest = value; ; rest = Math.floor(rest / 128)) {
      if (rest < 128) return [...bytes, rest];
      bytes.push((rest % 128) | 0x80);
    }
  };
  const field = (number: number, bytes: number[]): number[] => [
    ...varint((number << 3) | 2),
    ...varint(bytes.length),
    ...bytes,
  ];
  const text = (number: number, value: string): number[] => field(number, [...Buffer.from(value)]);
  const integer = (number: number, value: number): number[] => [...varint(number << 3), ...varint(value)];
  const dim = (value: number | string): number[] =>
    field(1, typeof value === 'number' ? integer(1, value) : text(2, value));
  const tensorInfo = (name: string, dims: Array<number | string>): number[] => [
    ...text(1, name),
    ...field(2, field(1, [...integer(1, 1), ...field(2, dims.flatMap(dim))])),
  ];
  const node = [...text(1, 'm'), ...text(1, 'q'), ...text(2, 'y'), ...text(4, 'MatMul')];
  const graph = [
    ...field(1, node),
    ...text(2, 'scores'),
    ...field(11, tensorInfo('m', ['n', DIMENSIONS])),
    ...field(11, tensorInfo('q', [DIMENSIONS, 1])),
    ...field(12, tensorInfo('y', ['n', 1])),
  ];
  return new Uint8Array([...integer(1, 8), ...field(8, integer(2, 13)), ...field(7, graph)]);
}

/** Worker side: owns `rows` random int8 rows, answers each posted query with a full scan. */
function serveShard(): void {
  const rows = (workerData as { rows: number }).rows;
  const { codes, scales } = quantize(randomUnitRows(rows), rows);
  const shard = int8WasmShard(codes, scales, new Int16Array(DIMENSIONS));
  parentPort?.on('message', (query: Int16Array) => {
    shard.queryCodes.set(query);
    shard.scan();
    parentPort?.postMessage('done');
  });
  parentPort?.postMessage('ready');
}

async function workerScanner(
  rows: number,
  workers: number,
): Promise<{ scan: () => Promise<void>; stop: () => Promise<void> }> {
  const file = fileURLToPath(import.meta.url);
  const shards = Array.from({ length: workers }, () => new Worker(file, { workerData: { rows: rows / workers } }));
  const reply = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once('message', resolve));
  await Promise.all(shards.map(reply));
  const query = new Int16Array(DIMENSIONS).fill(1000);
  return {
    scan: async () => {
      await Promise.all(shards.map((worker) => (worker.postMessage(query), reply(worker))));
    },
    stop: async () => {
      await Promise.all(shards.map((worker) => worker.terminate()));
    },
  };
}

async function main(): Promise<void> {
  const sizes = option('sizes', '100000,1000000').split(',').map(Number);
  const runs = Number(option('runs', '15'));
  console.log(`Scoring kernels: ${DIMENSIONS}-d, median of ${runs} runs, node ${process.version}`);
  for (const size of sizes) {
    const rows = randomUnitRows(size);
    const query = randomUnitRows(1);
    const queryCodes = new Int16Array(query.map((value) => Math.round(value * 32767)));
    const { codes, scales } = quantize(rows, size);
    const scores = new Float32Array(size);
    const report = (name: string, ms: number): void => console.log(`${size} ${name.padEnd(34)} ${ms.toFixed(2)} ms`);
    report('JS float32 loop', await timeMedian(runs, () => jsFloat32Scan(rows, query, scores)));
    report('JS int8 loop', await timeMedian(runs, () => jsInt8Scan(codes, scales, queryCodes, scores)));
    report('wasm SIMD float32', await timeMedian(runs, float32WasmScanner(rows, query)));
    report('wasm SIMD int8 (chosen)', await timeMedian(runs, int8WasmScanner(codes, scales, queryCodes)));
    for (const workers of [1, 2]) {
      const { scan, stop } = await workerScanner(size, workers);
      report(`wasm SIMD int8 in ${workers} worker(s)`, await timeMedian(runs, scan));
      await stop();
    }
    for (const threads of [1, 2]) {
      const session = await InferenceSession.create(matMulModel(), { intraOpNumThreads: threads });
      const feeds = {
        m: new Tensor('float32', rows, [size, DIMENSIONS]),
        q: new Tensor('float32', query, [DIMENSIONS, 1]),
      };
      report(`onnxruntime MatMul, ${threads} thread(s)`, await timeMedian(runs, () => session.run(feeds)));
      await session.release();
    }
  }
}

if (isMainThread) await main();
else serveShard();
