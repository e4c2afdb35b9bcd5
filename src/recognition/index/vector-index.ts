import {
  createDotProductKernels,
  createWasmMemory,
  type DotProductKernels,
  padDimensions,
  WASM_MAX_PAGES,
  WASM_PAGE_BYTES,
  type WasmMemory,
} from './dot-product-kernels.js';
import { OwnerSlots } from './owner-slots.js';
import { TopScores } from './top-scores.js';

export interface TemplateVector {
  templateId: string;
  /** The person the template belongs to. */
  ownerId: string;
  /** L2-normalised embedding; similarity is the plain dot product. */
  vector: Float32Array;
}

export interface VectorSearchHit {
  templateId: string;
  ownerId: string;
  /** Cosine similarity (dot product of normalised vectors), -1..1. */
  similarity: number;
}

export interface VectorSearchOptions {
  /** Only owners for which this returns true are returned. Called at most once per owner per search. */
  ownerFilter?: (ownerId: string) => boolean;
}

/** Rows scored per kernel call; the block's scores stay in cache while the top-k is updated. */
const SCORE_BLOCK_ROWS = 4096;
const MIN_CAPACITY = 1024;

function assertVector(vector: Float32Array, dimensions: number, what: string): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimensions) {
    const got = vector instanceof Float32Array ? `${vector.length} dimensions` : 'not a Float32Array';
    throw new RangeError(`${what} must be a Float32Array of ${dimensions} dimensions, got ${got}`);
  }
  for (let index = 0; index < vector.length; index += 1) {
    if (!Number.isFinite(vector[index])) throw new RangeError(`${what} has a non-finite value at ${index}`);
  }
}

function alignTo64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/**
 * Exact in-memory 1:N index over normalised embeddings (brute force, every row scored per query).
 *
 * Rows live contiguously as float32 in one WebAssembly memory, zero-padded to a multiple of 16 dimensions,
 * and are scored by a WebAssembly SIMD kernel in blocks of 4,096; a typed-array min-heap keeps the top k.
 * Removal moves the last row into the freed one, so rows stay dense and their order is not stable.
 * Memory layout: [query][block scores][rows...]; only the rows region grows (WebAssembly memories never shrink).
 */
export class VectorIndex {
  readonly paddedDimensions: number;
  private readonly memory: WasmMemory;
  private readonly kernels: DotProductKernels;
  private readonly queryPtr = 0;
  private readonly scoresPtr: number;
  private readonly rowsPtr: number;
  private readonly rowBytes: number;
  private capacity = 0;
  private rowCount = 0;
  private rows = new Float32Array(0);
  private query = new Float32Array(0);
  private blockScores = new Float32Array(0);
  private readonly templateIds: string[] = [];
  private ownerOfRow = new Int32Array(0);
  private readonly rowByTemplate = new Map<string, number>();
  private readonly owners = new OwnerSlots();
  private ownerBestScore = new Float32Array(0);
  private ownerBestRow = new Int32Array(0);

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions <= 0) {
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    }
    this.paddedDimensions = padDimensions(dimensions);
    this.rowBytes = this.paddedDimensions * Float32Array.BYTES_PER_ELEMENT;
    this.scoresPtr = alignTo64(this.rowBytes);
    this.rowsPtr = alignTo64(this.scoresPtr + SCORE_BLOCK_ROWS * Float32Array.BYTES_PER_ELEMENT);
    this.memory = createWasmMemory(this.rowsPtr);
    this.kernels = createDotProductKernels(this.paddedDimensions, this.memory);
    this.refreshViews();
  }

  /** Number of templates. */
  get size(): number {
    return this.rowCount;
  }

  /** Number of distinct owners with at least one template. */
  get ownerCount(): number {
    return this.owners.ownerCount;
  }

  /** Largest number of rows one WebAssembly (wasm32) memory can hold at this dimension. */
  get maxCapacity(): number {
    return Math.floor((WASM_MAX_PAGES * WASM_PAGE_BYTES - this.rowsPtr) / this.rowBytes);
  }

  /** Bytes of the WebAssembly memory (rows + scratch, reserved capacity included) and the owner column. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength + this.ownerOfRow.byteLength;
  }

  has(templateId: string): boolean {
    return this.rowByTemplate.has(templateId);
  }

  /** Makes room for `capacity` rows up front (one memory grow instead of several while loading). */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    if (capacity > this.maxCapacity) {
      throw new RangeError(
        `cannot hold ${capacity} vectors of ${this.dimensions} dimensions (max ${this.maxCapacity})`,
      );
    }
    const neededPages = Math.ceil((this.rowsPtr + capacity * this.rowBytes) / WASM_PAGE_BYTES);
    const currentPages = this.memory.buffer.byteLength / WASM_PAGE_BYTES;
    if (neededPages > currentPages) this.memory.grow(neededPages - currentPages);
    const ownerOfRow = new Int32Array(capacity);
    ownerOfRow.set(this.ownerOfRow.subarray(0, this.rowCount));
    this.ownerOfRow = ownerOfRow;
    this.capacity = capacity;
    this.refreshViews();
  }

  /** Adds a template, or replaces the vector and owner of an existing template id. */
  add(templateId: string, ownerId: string, vector: Float32Array): void {
    assertVector(vector, this.dimensions, 'vector');
    this.removeTemplate(templateId);
    if (this.rowCount === this.capacity) {
      this.reserve(Math.min(this.maxCapacity, Math.max(MIN_CAPACITY, this.capacity * 2)));
    }
    const row = this.rowCount;
    this.rows.set(vector, row * this.paddedDimensions);
    this.templateIds[row] = templateId;
    this.ownerOfRow[row] = this.owners.addTemplate(ownerId);
    this.rowByTemplate.set(templateId, row);
    this.rowCount += 1;
  }

  /** Replaces the whole content (start-up rebuild). */
  load(templates: Iterable<TemplateVector>): void {
    this.clear();
    if (Array.isArray(templates)) this.reserve(templates.length);
    for (const template of templates) this.add(template.templateId, template.ownerId, template.vector);
  }

  /** Removes one template; false when it was not there. */
  removeTemplate(templateId: string): boolean {
    const row = this.rowByTemplate.get(templateId);
    if (row === undefined) return false;
    this.removeRow(row);
    return true;
  }

  /** Removes every template of the owner (one pass over the owner column); returns how many went. */
  removeOwner(ownerId: string): number {
    const slot = this.owners.slotOf(ownerId);
    if (slot === undefined) return 0;
    let remaining = this.owners.templateCount(slot);
    const removed = remaining;
    // Walking down from the end, the row swapped into a freed place has already been checked.
    for (let row = this.rowCount - 1; row >= 0 && remaining > 0; row -= 1) {
      if (this.ownerOfRow[row] !== slot) continue;
      this.removeRow(row);
      remaining -= 1;
    }
    return removed;
  }

  clear(): void {
    this.rowCount = 0;
    this.templateIds.length = 0;
    this.rowByTemplate.clear();
    this.owners.clear();
  }

  /** The k most similar templates, best first (ties in any order). */
  search(query: Float32Array, k: number, options: VectorSearchOptions = {}): VectorSearchHit[] {
    const top = this.prepareSearch(query, k, this.rowCount);
    if (top === undefined) return [];
    const ownerFilter = options.ownerFilter;
    if (ownerFilter) this.owners.forgetFilterVerdicts();
    let threshold = top.threshold;
    for (let start = 0; start < this.rowCount; start += SCORE_BLOCK_ROWS) {
      const count = this.scoreBlock(start);
      const scores = this.blockScores;
      for (let offset = 0; offset < count; offset += 1) {
        const score = scores[offset];
        if (!(score > threshold)) continue;
        const row = start + offset;
        if (ownerFilter && !this.owners.passesFilter(this.ownerOfRow[row], ownerFilter)) continue;
        top.offer(score, row);
        threshold = top.threshold;
      }
    }
    return top.sorted().map(({ id: row, score }) => this.hit(row, score));
  }

  /**
   * The k most similar distinct owners, best first: each owner scores as their best template, which is the
   * template returned.
   */
  searchOwners(query: Float32Array, k: number, options: VectorSearchOptions = {}): VectorSearchHit[] {
    const top = this.prepareSearch(query, k, this.owners.ownerCount);
    if (top === undefined) return [];
    const slotCount = this.owners.slotCount;
    this.ensureOwnerScratch(slotCount);
    const bestScore = this.ownerBestScore;
    const bestRow = this.ownerBestRow;
    const ownerOfRow = this.ownerOfRow;
    bestScore.fill(-Infinity, 0, slotCount);
    for (let start = 0; start < this.rowCount; start += SCORE_BLOCK_ROWS) {
      const count = this.scoreBlock(start);
      const scores = this.blockScores;
      for (let offset = 0; offset < count; offset += 1) {
        const slot = ownerOfRow[start + offset];
        if (scores[offset] > bestScore[slot]) {
          bestScore[slot] = scores[offset];
          bestRow[slot] = start + offset;
        }
      }
    }
    const ownerFilter = options.ownerFilter;
    if (ownerFilter) this.owners.forgetFilterVerdicts();
    let threshold = top.threshold;
    for (let slot = 0; slot < slotCount; slot += 1) {
      const score = bestScore[slot];
      if (!(score > threshold)) continue;
      if (ownerFilter && !this.owners.passesFilter(slot, ownerFilter)) continue;
      top.offer(score, slot);
      threshold = top.threshold;
    }
    return top.sorted().map(({ id: slot, score }) => this.hit(bestRow[slot], score));
  }

  private prepareSearch(query: Float32Array, k: number, candidates: number): TopScores | undefined {
    assertVector(query, this.dimensions, 'query');
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    const limit = Math.min(k, candidates);
    if (limit === 0) return undefined;
    this.query.set(query);
    return new TopScores(limit);
  }

  /** Scores rows [start, start + block) into `blockScores`; returns how many rows were scored. */
  private scoreBlock(start: number): number {
    const count = Math.min(SCORE_BLOCK_ROWS, this.rowCount - start);
    this.kernels.float32Dots(this.queryPtr, this.rowsPtr + start * this.rowBytes, count, this.scoresPtr);
    return count;
  }

  private hit(row: number, score: number): VectorSearchHit {
    return { templateId: this.templateIds[row], ownerId: this.owners.idOf(this.ownerOfRow[row]), similarity: score };
  }

  private removeRow(row: number): void {
    const last = this.rowCount - 1;
    this.rowByTemplate.delete(this.templateIds[row]);
    this.owners.removeTemplate(this.ownerOfRow[row]);
    if (row !== last) {
      const width = this.paddedDimensions;
      this.rows.copyWithin(row * width, last * width, (last + 1) * width);
      this.templateIds[row] = this.templateIds[last];
      this.ownerOfRow[row] = this.ownerOfRow[last];
      this.rowByTemplate.set(this.templateIds[row], row);
    }
    this.templateIds.length = last;
    this.rowCount = last;
  }

  private ensureOwnerScratch(slotCount: number): void {
    if (this.ownerBestScore.length >= slotCount) return;
    this.ownerBestScore = new Float32Array(slotCount * 2);
    this.ownerBestRow = new Int32Array(slotCount * 2);
  }

  /** Views over the WebAssembly memory; growing it detaches the old ones. */
  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.query = new Float32Array(buffer, this.queryPtr, this.dimensions);
    this.blockScores = new Float32Array(buffer, this.scoresPtr, SCORE_BLOCK_ROWS);
    this.rows = new Float32Array(buffer, this.rowsPtr, this.capacity * this.paddedDimensions);
  }
}
