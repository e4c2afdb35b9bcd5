import { buildModule, FunctionBody, Op, SimdOp, ValueType } from './wasm-module-builder.js';

/**
 * WebAssembly SIMD kernels that score a block of stored rows against one query, fully unrolled for a fixed
 * (padded) dimension. Both have the signature `(queryPtr, rowsPtr, rowCount, outPtr) => void` over the
 * imported memory and write one 32-bit score per row at `outPtr`.
 *
 * - `int8Dots`: rows are int8 (`paddedDimensions` bytes each), the query is int16 (`paddedDimensions * 2`
 *   bytes); each row's exact integer dot product is written as an i32.
 * - `float32Dots`: rows and query are float32; writes the f32 dot product. Kept for the benchmark.
 */
export interface DotProductKernels {
  int8Dots(queryPtr: number, rowsPtr: number, rowCount: number, outPtr: number): void;
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

const QUERY = 0;
const ROWS = 1;
const COUNT = 2;
const OUT = 3;
const END = 4;
const FIRST_ACCUMULATOR = 5;

/** Loop header shared by both kernels: `end = rows + count * stride; if (rows >= end) skip`. */
function openRowLoop(body: FunctionBody, rowStride: number): void {
  body.get(ROWS).get(COUNT).i32(rowStride).op(Op.i32Mul).op(Op.i32Add).set(END);
  body.block().get(ROWS).get(END).op(Op.i32GeU).brIf(0).loop();
}

/** Loop footer: `out += 4; rows += stride; if (rows < end) continue`. */
function closeRowLoop(body: FunctionBody, rowStride: number): void {
  body.get(OUT).i32(4).op(Op.i32Add).set(OUT);
  body.get(ROWS).i32(rowStride).op(Op.i32Add).tee(ROWS).get(END).op(Op.i32LtU).brIf(0);
  body.end().end();
}

function int8DotsBody(paddedDimensions: number): FunctionBody {
  const body = new FunctionBody();
  const accumulators = 2;
  openRowLoop(body, paddedDimensions);
  // Eight lanes per step: sign-extend 8 row bytes to i16x8, multiply-add pairs with the i16 query.
  for (let step = 0; step < paddedDimensions / 8; step += 1) {
    const accumulator = FIRST_ACCUMULATOR + (step % accumulators);
    body.get(ROWS).simdMemory(SimdOp.v128Load8x8S, 0, step * 8);
    body.get(QUERY).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.simd(SimdOp.i32x4DotI16x8S);
    if (step >= accumulators) body.get(accumulator).simd(SimdOp.i32x4Add);
    body.set(accumulator);
  }
  body.get(OUT);
  body
    .get(FIRST_ACCUMULATOR)
    .get(FIRST_ACCUMULATOR + 1)
    .simd(SimdOp.i32x4Add)
    .tee(FIRST_ACCUMULATOR);
  body.simd(SimdOp.i32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane += 1) {
    body.get(FIRST_ACCUMULATOR).simd(SimdOp.i32x4ExtractLane, lane).op(Op.i32Add);
  }
  body.memory(Op.i32Store, 2, 0);
  closeRowLoop(body, paddedDimensions);
  return body;
}

function float32DotsBody(paddedDimensions: number): FunctionBody {
  const body = new FunctionBody();
  const accumulators = 4;
  const rowStride = paddedDimensions * 4;
  openRowLoop(body, rowStride);
  for (let step = 0; step < paddedDimensions / 4; step += 1) {
    const accumulator = FIRST_ACCUMULATOR + (step % accumulators);
    body.get(ROWS).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.get(QUERY).simdMemory(SimdOp.v128Load, 0, step * 16);
    body.simd(SimdOp.f32x4Mul);
    if (step >= accumulators) body.get(accumulator).simd(SimdOp.f32x4Add);
    body.set(accumulator);
  }
  body.get(OUT);
  body
    .get(FIRST_ACCUMULATOR)
    .get(FIRST_ACCUMULATOR + 1)
    .simd(SimdOp.f32x4Add);
  body
    .get(FIRST_ACCUMULATOR + 2)
    .get(FIRST_ACCUMULATOR + 3)
    .simd(SimdOp.f32x4Add);
  body.simd(SimdOp.f32x4Add).tee(FIRST_ACCUMULATOR);
  body.simd(SimdOp.f32x4ExtractLane, 0);
  for (let lane = 1; lane < 4; lane += 1) {
    body.get(FIRST_ACCUMULATOR).simd(SimdOp.f32x4ExtractLane, lane).op(Op.f32Add);
  }
  body.memory(Op.f32Store, 2, 0);
  closeRowLoop(body, rowStride);
  return body;
}

/** Emits and instantiates the kernels for `paddedDimensions` (a multiple of 16) over `memory`. */
export function createDotProductKernels(paddedDimensions: number, memory: WasmMemory): DotProductKernels {
  if (paddedDimensions <= 0 || paddedDimensions % DIMENSION_ALIGNMENT !== 0) {
    throw new RangeError(`padded dimensions must be a positive multiple of ${DIMENSION_ALIGNMENT}`);
  }
  const params = [ValueType.i32, ValueType.i32, ValueType.i32, ValueType.i32];
  const bytes = buildModule([
    {
      exportName: 'int8Dots',
      params,
      locals: [ValueType.i32, ValueType.v128, ValueType.v128],
      body: int8DotsBody(paddedDimensions),
    },
    {
      exportName: 'float32Dots',
      params,
      locals: [ValueType.i32, ValueType.v128, ValueType.v128, ValueType.v128, ValueType.v128],
      body: float32DotsBody(paddedDimensions),
    },
  ]);
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  return instance.exports as unknown as DotProductKernels;
}
