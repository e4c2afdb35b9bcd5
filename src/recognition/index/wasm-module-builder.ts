/**
 * A tiny WebAssembly binary writer: just enough to emit the dot-product kernels of the vector index
 * (one imported memory, functions over i32/f32/v128, SIMD loads and arithmetic). Encodings follow the core
 * spec (https://webassembly.github.io/spec/core/binary/) and the SIMD proposal's BinarySIMD.md.
 */

export const ValueType = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Single-byte opcodes used by the kernels. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  f32Ge: 0x60,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Shl: 0x74,
  f32Add: 0x92,
  f32Mul: 0x94,
  f32ConvertI32S: 0xb2,
} as const;

/** SIMD opcodes: emitted as the 0xfd prefix followed by the LEB128-encoded number. */
export const SimdOp = {
  v128Load: 0x00,
  v128Load8x8S: 0x01,
  f32x4Splat: 0x13,
  f32x4Ge: 0x46,
  v128AnyTrue: 0x53,
  i32x4ExtractLane: 0x1b,
  f32x4ExtractLane: 0x1f,
  i32x4Add: 0xae,
  i32x4DotI16x8S: 0xba,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;

const BLOCK_TYPE_EMPTY = 0x40;
const SIMD_PREFIX = 0xfd;

export function unsignedLeb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

export function signedLeb128(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

function name(text: string): number[] {
  const utf8 = [...new TextEncoder().encode(text)];
  return [...unsignedLeb128(utf8.length), ...utf8];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb128(content.length), ...content];
}

/** Appends instructions to one function body; methods return `this` so kernels read like assembly. */
export class FunctionBody {
  readonly code: number[] = [];

  op(opcode: number): this {
    this.code.push(opcode);
    return this;
  }

  simd(opcode: number, ...immediates: number[]): this {
    this.code.push(SIMD_PREFIX, ...unsignedLeb128(opcode), ...immediates);
    return this;
  }

  /** SIMD memory access with its alignment hint (log2 bytes) and constant offset. */
  simdMemory(opcode: number, alignLog2: number, offset: number): this {
    return this.simd(opcode, ...unsignedLeb128(alignLog2), ...unsignedLeb128(offset));
  }

  memory(opcode: number, alignLog2: number, offset: number): this {
    this.code.push(opcode, ...unsignedLeb128(alignLog2), ...unsignedLeb128(offset));
    return this;
  }

  get(local: number): this {
    this.code.push(Op.localGet, ...unsignedLeb128(local));
    return this;
  }

  set(local: number): this {
    this.code.push(Op.localSet, ...unsignedLeb128(local));
    return this;
  }

  tee(local: number): this {
    this.code.push(Op.localTee, ...unsignedLeb128(local));
    return this;
  }

  i32(value: number): this {
    this.code.push(Op.i32Const, ...signedLeb128(value));
    return this;
  }

  block(): this {
    this.code.push(Op.block, BLOCK_TYPE_EMPTY);
    return this;
  }

  loop(): this {
    this.code.push(Op.loop, BLOCK_TYPE_EMPTY);
    return this;
  }

  /** `if` without a result; close it with {@link end}. */
  ifThen(): this {
    this.code.push(Op.if, BLOCK_TYPE_EMPTY);
    return this;
  }

  brIf(depth: number): this {
    this.code.push(Op.brIf, ...unsignedLeb128(depth));
    return this;
  }

  end(): this {
    this.code.push(Op.end);
    return this;
  }
}

export interface FunctionDefinition {
  exportName: string;
  params: ValueType[];
  /** Extra locals, numbered after the params. */
  locals: ValueType[];
  /** What the function leaves on the stack; none when results go to memory. */
  results?: ValueType[];
  body: FunctionBody;
}

/**
 * Assembles a module that imports its memory as `env.memory` and exports each function by name.
 * Functions return at most what `results` lists; kernels mostly write their results to memory.
 */
export function buildModule(functions: FunctionDefinition[]): Uint8Array<ArrayBuffer> {
  const types = functions.map((fn) => [
    0x60,
    ...vector(fn.params.map((type) => [type])),
    ...vector((fn.results ?? []).map((type) => [type])),
  ]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...unsignedLeb128(1)];
  const functionTypeIndices = functions.map((_, index) => unsignedLeb128(index));
  const exports = functions.map((fn, index) => [...name(fn.exportName), 0x00, ...unsignedLeb128(index)]);
  const bodies = functions.map((fn) => {
    const localGroups = fn.locals.map((type) => [...unsignedLeb128(1), type]);
    const content = [...vector(localGroups), ...fn.body.code, Op.end];
    return [...unsignedLeb128(content.length), ...content];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functionTypeIndices)),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
