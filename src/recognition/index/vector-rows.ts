import {
  createDotProductKernels,
  createWasmMemory,
  type DotProductKernels,
  padDimensions,
  WASM_MAX_PAGES,
  WASM_PAGE_BYTES,
  type WasmMemory,
} from './dot-product-kernels.js';

const INT8_MAX = 127;
const INT16_MAX = 32767;
const INT32_MAX = 0x7fffffff;
/** Relative slack for the float32 arithmetic of the kernel (int→float, two products: ~3e-7). */
const ROUNDING_SLACK = 1e-6;

function alignTo64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * The index's vectors, by row number, in one WebAssembly memory: each row kept exactly as float32 and as an
 * int8 copy (one scale per row), both zero-padded to a multiple of 16 dimensions.
 *
 * A search scans only the int8 copy (a quarter of the bytes) with a SIMD kernel to get an approximate score
 * per row plus a bound on its error; the caller re-ranks the few rows that can still reach the top-k with
 * {@link exactScore}.
 *
 * Memory layout (offsets 64-byte aligned; everything past the scales moves up when capacity grows):
 * [query int16][scale per row][approximate score per row][candidate row numbers][int8 codes][float32 rows].
 */
export class VectorRows {
  readonly paddedDimensions: number;
  /** Approximate score per row from the last {@link scoreApproximately}. */
  scores = new Float32Array(0);
  private readonly memory: WasmMemory;
  private readonly kernels: DotProductKernels;
  private readonly queryCodesPtr = 0;
  private readonly scalesPtr: number;
  /** Largest query code: int16, or less where `dimensions * 127 * code` could overflow the i32 sums. */
  private readonly queryCodeMax: number;
  private capacityRows = 0;
  private queryCodes = new Int16Array(0);
  private scales = new Float32Array(0);
  private codes = new Int8Array(0);
  private exact = new Float32Array(0);
  /** Running maxima over written rows of ‖x − scale·codes‖ and ‖x‖; reset only by {@link resetErrorBounds}. */
  private maxResidual = 0;
  private maxNorm = 0;

  constructor(readonly dimensions: number) {
    this.paddedDimensions = padDimensions(dimensions);
    this.queryCodeMax = Math.min(INT16_MAX, Math.floor(INT32_MAX / (this.paddedDimensions * INT8_MAX)));
    this.scalesPtr = alignTo64(this.paddedDimensions * 2);
    this.memory = createWasmMemory(this.layout(0).end);
    this.kernels = createDotProductKernels(this.paddedDimensions, this.memory);
    this.refreshViews();
  }

  get capacity(): number {
    return this.capacityRows;
  }

  /** Largest number of rows one wasm32 memory (4 GiB) holds at this dimension: five bytes per dimension. */
  get maxCapacity(): number {
    const bytesPerRow = 12 + this.paddedDimensions * 5;
    return Math.floor((WASM_MAX_PAGES * WASM_PAGE_BYTES - this.scalesPtr - 256) / bytesPerRow);
  }

  /** Bytes of the WebAssembly memory that holds everything. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Grows to `capacity` rows, keeping the first `rowsInUse`: the float32 rows, then the codes, move up. */
  reserve(capacity: number, rowsInUse: number): void {
    if (capacity <= this.capacityRows) return;
    if (capacity > this.maxCapacity) {
      throw new RangeError(
        `cannot hold ${capacity} vectors of ${this.dimensions} dimensions (max ${this.maxCapacity})`,
      );
    }
    const before = this.layout(this.capacityRows);
    const after = this.layout(capacity);
    const missingPages = Math.ceil(after.end / WASM_PAGE_BYTES) - this.memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (missingPages > 0) this.memory.grow(missingPages);
    const bytes = new Uint8Array(this.memory.buffer);
    const width = this.paddedDimensions;
    bytes.copyWithin(after.exactPtr, before.exactPtr, before.exactPtr + rowsInUse * width * 4);
    bytes.copyWithin(after.codesPtr, before.codesPtr, before.codesPtr + rowsInUse * width);
    this.capacityRows = capacity;
    this.refreshViews();
  }

  /** Stores the vector (length `dimensions`, finite) at the row, exactly and as int8. */
  write(row: number, vector: Float32Array): void {
    const offset = row * this.paddedDimensions;
    this.exact.set(vector, offset);
    let largest = 0;
    let normSquared = 0;
    for (let index = 0; index < vector.length; index += 1) {
      largest = Math.max(largest, Math.abs(vector[index]));
      normSquared += vector[index] * vector[index];
    }
    // |value| / scale never exceeds 127 by more than float32 rounding, so no clamping is needed.
    const scale = Math.fround(largest / INT8_MAX);
    const inverse = scale === 0 ? 0 : 1 / scale;
    const codes = this.codes;
    let residualSquared = 0;
    for (let index = 0; index < vector.length; index += 1) {
      const code = Math.round(vector[index] * inverse);
      codes[offset + index] = code;
      residualSquared += (vector[index] - scale * code) ** 2;
    }
    this.scales[row] = scale;
    this.maxResidual = Math.max(this.maxResidual, Math.sqrt(residualSquared));
    this.maxNorm = Math.max(this.maxNorm, Math.sqrt(normSquared));
  }

  /** Copies row `from` over row `to` (both representations). */
  copy(from: number, to: number): void {
    const width = this.paddedDimensions;
    this.codes.copyWithin(to * width, from * width, (from + 1) * width);
    this.exact.copyWithin(to * width, from * width, (from + 1) * width);
    this.scales[to] = this.scales[from];
  }

  /** Forgets the error bounds of removed rows (call when the index is emptied). */
  resetErrorBounds(): void {
    this.maxResidual = 0;
    this.maxNorm = 0;
  }

  /**
   * Fills `scores[0..rowCount)` with int8 approximations of each row's dot product with the query and
   * returns a bound on how far any of them is from the exact value.
   */
  scoreApproximately(query: Float32Array, rowCount: number): number {
    const { scale, norm, residual } = this.quantizeQuery(query);
    const { scoresPtr, codesPtr } = this.layout(this.capacityRows);
    this.kernels.int8Scores(this.queryCodesPtr, codesPtr, this.scalesPtr, rowCount, scoresPtr, scale);
    // |x·q − x̂·q̂| ≤ ‖x − x̂‖·‖q‖ + ‖x̂‖·‖q − q̂‖, with ‖x̂‖ ≤ ‖x‖ + ‖x − x̂‖.
    const quantisation = this.maxResidual * norm + (this.maxNorm + this.maxResidual) * residual;
    return quantisation + ROUNDING_SLACK * (1 + this.maxNorm * norm);
  }

  /**
   * Rows among the first `rowCount` whose approximate score (from the last {@link scoreApproximately}) is at
   * least `floor`, in row order. The array is a view that the next call overwrites.
   */
  rowsScoringAtLeast(floor: number, rowCount: number): Int32Array {
    const { scoresPtr, candidatesPtr } = this.layout(this.capacityRows);
    // The floor becomes float32 on the way in; any float32 score ≥ floor is also ≥ fround(floor).
    const found = this.kernels.collectAtLeast(scoresPtr, rowCount, floor, candidatesPtr);
    return new Int32Array(this.memory.buffer, candidatesPtr, found);
  }

  /** The dot product of the stored float32 row with the query, accumulated in double precision. */
  exactScore(row: number, query: Float32Array): number {
    const offset = row * this.paddedDimensions;
    const exact = this.exact;
    let sum = 0;
    for (let index = 0; index < query.length; index += 1) sum += exact[offset + index] * query[index];
    return sum;
  }

  /** Writes the int16 query codes; returns the scale, the query's norm and its quantisation residual. */
  private quantizeQuery(query: Float32Array): { scale: number; norm: number; residual: number } {
    let largest = 0;
    let normSquared = 0;
    for (let index = 0; index < query.length; index += 1) {
      largest = Math.max(largest, Math.abs(query[index]));
      normSquared += query[index] * query[index];
    }
    const scale = Math.fround(largest / this.queryCodeMax);
    const limit = this.queryCodeMax;
    let residualSquared = 0;
    for (let index = 0; index < query.length; index += 1) {
      const code = scale === 0 ? 0 : Math.max(-limit, Math.min(limit, Math.round(query[index] / scale)));
      this.queryCodes[index] = code;
      residualSquared += (query[index] - scale * code) ** 2;
    }
    return { scale, norm: Math.sqrt(normSquared), residual: Math.sqrt(residualSquared) };
  }

  /** Where each per-row region starts for a given capacity, and where the last one ends. */
  private layout(capacity: number): {
    scoresPtr: number;
    candidatesPtr: number;
    codesPtr: number;
    exactPtr: number;
    end: number;
  } {
    const scoresPtr = alignTo64(this.scalesPtr + capacity * 4);
    const candidatesPtr = alignTo64(scoresPtr + capacity * 4);
    const codesPtr = alignTo64(candidatesPtr + capacity * 4);
    const exactPtr = alignTo64(codesPtr + capacity * this.paddedDimensions);
    return { scoresPtr, candidatesPtr, codesPtr, exactPtr, end: exactPtr + capacity * this.paddedDimensions * 4 };
  }

  /** Views over the WebAssembly memory; growing it detaches the old ones. */
  private refreshViews(): void {
    const buffer = this.memory.buffer;
    const width = this.paddedDimensions;
    const capacity = this.capacityRows;
    const { scoresPtr, codesPtr, exactPtr } = this.layout(capacity);
    this.queryCodes = new Int16Array(buffer, this.queryCodesPtr, width);
    this.scales = new Float32Array(buffer, this.scalesPtr, capacity);
    this.scores = new Float32Array(buffer, scoresPtr, capacity);
    this.codes = new Int8Array(buffer, codesPtr, capacity * width);
    this.exact = new Float32Array(buffer, exactPtr, capacity * width);
  }
}
