import { buildModule, FunctionBody, Op, SimdOp, ValueType } from './wasm-module-builder.js';

/**
 * WebAssembly SIMD kernels that score consecutive stored rows against one query, fully unrolled for a fixed
 * (padded) dimension, over the imported memory.
 *
 * - `int8Scores(queryPtr, codesPtr, scalesPtr, rowCount, outPtr, queryScale)`: rows are int8 codes
 *   (`paddedDimensions` bytes each) with one float32 scale per row at `scalesPtr`; the query is int16
 *   (`paddedDimensions * 2` bytes). Writes `float32(integer dot) * scale[row] * queryScale` per row.
 * - `collectAtLeast(scoresPtr, rowCount, floor, outPtr)`: writes the indices of the float32 scores that are
 *   ≥ floor, in order, as i32 at `outPtr`; returns how many. Four scores per SIMD compare, so rows far below
 *   the floor cost a fraction of a JS loop.
 * - `float32Dots(queryPtr, rowsPtr, rowCount, outPtr)`: rows and query are float32; writes each f32 dot
 *   product. Not used by the index (the int8 scan reads a quarter of the bytes); kept for the benchmark.
 */
export interface DotProductKernels {
  int8Scores(
    queryPtr: number,
    codesPtr: number,
    scalesPtr: number,
    rowCount: number,
    outPtr: number,
    queryScale: number,
  ): void;
  collectAtLeast(scoresPtr: number, rowCount: number, floor: number, outPtr: number): number;
  float32Dots(queryPtr: number, rowsPtr: number, rowCount: number, outPtr: number): void;
}

/**
 * The slice of the WebAssembly JS API the index uses. Node has it as a global, but TypeScript declares it only
 * in the DOM libs, which this project does not load.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** WebAssembly pages are 64 KiB; wasm32 memories top out at 65,536 pages (4 GiB). */
export const WASM_PAGE_BYTES = 65_536;
export const WASM_MAX_PAGES = 65_536;

export function createWasmMemory(bytes: number): WasmMemory {
  return new wasm.Memory({ initial: Math.ceil(bytes / WASM_PAGE_BYTES), maximum: WASM_MAX_PAGES });
}

/** Dimensions are padded with zeros to a multiple of this so every row is whole SIMD registers. */
export const DIMENSION_ALIGNMENT = 16;

export function padDimensions(dimensions: number): number {
  return Math.ceil(dimensions / DIMENSION_ALIGNMENT) * DIMENSION_ALIGNMENT;
}

/** Locals of a kernel: which parameter/local numbers hold what. */
interface KernelLocals {
  query: number;
  rows: number;
  count: number;
  out: number;
  end: number;
  firstAccumulator: number;
}

/** Loop header: `end = rows + count * stride; if (rows >= end) skip`. */
function openRowLoop(body: FunctionBody, locals: KernelLocals, rowStride: number): void {
  body.get(locals.rows).get(locals.count).i32(rowStride).op(Op.i32Mul).op(Op.i32Add).set(locals.end);
  body.block().get(locals.rows).get(locals.end).op(Op.i32GeU).brIf(0).loop();
}

/** Loop footer: `out += 4; rows += stride; if (rows < end) continue`. */
function closeRowLoop(body: FunctionBody, locals: KernelLocals, rowStride: number): void {
  body.get(locals.out).i32(4).op(Op.i32Add).set(locals.out);
  body.get(locals.rows).i32(rowStride).op(Op.i32Add).tee(locals.rows).get(locals.end).op(Op.i32LtU).brIf(0);
  body.end().end();
}

const INT8_LOCALS: KernelLocals = { query: 0, rows: 1, count: 3, out: 4, end: 6, firstAccumulator: 7 };
const INT8_SCALES = 2;
const INT8_QUERY_SCALE = 5;

function int8ScoresBody(paddedDimensions: number): FunctionBody {
  const body = new FunctionBody();
  const { query, rows, out, firstAccumulator } = INT8_LOCALS;
  const accumulators = 2;
  openRowLoop(body, INT8_LOCALS, paddedDimensions);
  // Eight lanes per step: sign-extend 8 row bytes to i16x8, multiply-add pairs with the i16 query.
  for (let step = 0; step < paddedDimensions / 8; step += 1) {
    const accumulator = firstAccumulator + (step % accumulators);
    body.get(rows).simdMemory(SimdOp.v128Load8x8S, 0, step * 8);
    body.get(query).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.simd(SimdOp.i32x4DotI16x8S);
    if (step >= accumulators) body.get(accumulator).simd(SimdOp.i32x4Add);
    body.set(accumulator);
  }
  // out[row] = f32(sum of the four lanes) * scales[row] * queryScale
  body.get(out);
  body
    .get(firstAccumulator)
    .get(firstAccumulator + 1)
    .simd(SimdOp.i32x4Add)
    .tee(firstAccumulator);
  body.simd(SimdOp.i32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane += 1) {
    body.get(firstAccumulator).simd(SimdOp.i32x4ExtractLane, lane).op(Op.i32Add);
  }
  body.op(Op.f32ConvertI32S);
  body.get(INT8_SCALES).memory(Op.f32Load, 2, 0).op(Op.f32Mul);
  body.get(INT8_QUERY_SCALE).op(Op.f32Mul);
  body.memory(Op.f32Store, 2, 0);
  body.get(INT8_SCALES).i32(4).op(Op.i32Add).set(INT8_SCALES);
  closeRowLoop(body, INT8_LOCALS, paddedDimensions);
  return body;
}

/** Params: scores 0, count 1, floor 2, out 3; locals: row 4, found 5, floor ×4 6, end 7, index 8. */
function collectAtLeastBody(): FunctionBody {
  const [scores, count, floor, out, row, found, floors, end, index] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const body = new FunctionBody();
  body.get(floor).simd(SimdOp.f32x4Splat).set(floors);
  body.get(count).i32(3).op(Op.i32Add).i32(-4).op(Op.i32And).set(end); // whole groups of four
  body.block().get(row).get(end).op(Op.i32GeU).brIf(0).loop();
  // Skip four scores at once unless one of them reaches the floor.
  body.get(scores).get(row).i32(2).op(Op.i32Shl).op(Op.i32Add).simdMemory(SimdOp.v128Load, 0, 0);
  body.get(floors).simd(SimdOp.f32x4Ge).simd(SimdOp.v128AnyTrue).ifThen();
  for (let lane = 0; lane < 4; lane += 1) {
    // if (row + lane < count && scores[row + lane] >= floor) out[found++] = row + lane
    body.get(row).i32(lane).op(Op.i32Add).tee(index).get(count).op(Op.i32LtU).ifThen();
    body.get(scores).get(index).i32(2).op(Op.i32Shl).op(Op.i32Add).memory(Op.f32Load, 2, 0);
    body.get(floor).op(Op.f32Ge).ifThen();
    body.get(out).get(found).i32(2).op(Op.i32Shl).op(Op.i32Add).get(index).memory(Op.i32Store, 2, 0);
    body.get(found).i32(1).op(Op.i32Add).set(found);
    body.end().end();
  }
  body.end();
  body.get(row).i32(4).op(Op.i32Add).tee(row).get(end).op(Op.i32LtU).brIf(0);
  body.end().end();
  body.get(found);
  return body;
}

const FLOAT32_LOCALS: KernelLocals = { query: 0, rows: 1, count: 2, out: 3, end: 4, firstAccumulator: 5 };

function float32DotsBody(paddedDimensions: number): FunctionBody {
  const body = new FunctionBody();
  const { query, rows, out, firstAccumulator } = FLOAT32_LOCALS;
  const accumulators = 4;
  const rowStride = paddedDimensions * 4;
  openRowLoop(body, FLOAT32_LOCALS, rowStride);
  for (let step = 0; step < paddedDimensions / 4; step += 1) {
    const accumulator = firstAccumulator + (step % accumulators);
    body.get(rows).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.get(query).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.simd(SimdOp.f32x4Mul);
    if (step >= accumulators) body.get(accumulator).simd(SimdOp.f32x4Add);
    body.set(accumulator);
  }
  body.get(out);
  body
    .get(firstAccumulator)
    .get(firstAccumulator + 1)
    .simd(SimdOp.f32x4Add);
  body
    .get(firstAccumulator + 2)
    .get(firstAccumulator + 3)
    .simd(SimdOp.f32x4Add);
  body.simd(SimdOp.f32x4Add).tee(firstAccumulator);
  body.simd(SimdOp.f32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane += 1) {
    body.get(firstAccumulator).simd(SimdOp.f32x4ExtractLane, lane).op(Op.f32Add);
  }
  body.memory(Op.f32Store, 2, 0);
  closeRowLoop(body, FLOAT32_LOCALS, rowStride);
  return body;
}

/** Emits and instantiates the kernels for `paddedDimensions` (a multiple of 16) over `memory`. */
export function createDotProductKernels(paddedDimensions: number, memory: WasmMemory): DotProductKernels {
  if (paddedDimensions <= 0 || paddedDimensions % DIMENSION_ALIGNMENT !== 0) {
    throw new RangeError(`padded dimensions must be a positive multiple of ${DIMENSION_ALIGNMENT}`);
  }
  const { i32, f32, v128 } = ValueType;
  const bytes = buildModule([
    {
      exportName: 'int8Scores',
      params: [i32, i32, i32, i32, i32, f32],
      locals: [i32, v128, v128],
      body: int8ScoresBody(paddedDimensions),
    },
    {
      exportName: 'collectAtLeast',
      params: [i32, i32, f32, i32],
      locals: [i32, i32, v128, i32, i32],
      results: [i32],
      body: collectAtLeastBody(),
    },
    {
      exportName: 'float32Dots',
      params: [i32, i32, i32, i32],
      locals: [i32, v128, v128, v128, v128],
      body: float32DotsBody(paddedDimensions),
    },
  ]);
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  return instance.exports as unknown as DotProductKernels;
}
