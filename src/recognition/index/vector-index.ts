import { compactString } from './compact-string.js';
import { OwnerSlots } from './owner-slots.js';
import { TopScores } from './top-scores.js';
import { VectorRows } from './vector-rows.js';

export interface VectorSearchHit {
  templateId: string;
  ownerId: string;
  /** Cosine similarity (dot product of normalised vectors), -1..1. */
  similarity: number;
}

export interface VectorSearchOptions {
  /**
   * Only owners for which this returns true are returned. Called at most once per owner per search; it must
   * not search or change the same index (the scan's scratch is shared).
   */
  ownerFilter?: (ownerId: string) => boolean;
}

const MIN_CAPACITY = 1024;
const MAX_SAMPLE_STRIDE = 16;

function assertVector(vector: Float32Array, dimensions: number, what: string): void {
  if (!(vector instanceof Float32Array) || vector.length !== dimensions) {
    const got = vector instanceof Float32Array ? `${vector.length} dimensions` : 'not a Float32Array';
    throw new RangeError(`${what} must be a Float32Array of ${dimensions} dimensions, got ${got}`);
  }
  for (let index = 0; index < vector.length; index += 1) {
    if (!Number.isFinite(vector[index])) throw new RangeError(`${what} has a non-finite value at ${index}`);
  }
}

/**
 * Exact in-memory 1:N index over normalised embeddings: every row is scored per query, no approximation
 * in the results.
 *
 * The scan reads an int8 copy of the rows with a WebAssembly SIMD kernel ({@link VectorRows}); the rows whose
 * approximate score is within twice the quantisation error bound of the k-th best are then re-scored from
 * their float32 originals, so the top k are the same as a float scan would give (ties in any order).
 * Removal moves the last row into the freed one: rows stay dense and their order is not stable.
 */
export class VectorIndex {
  private readonly rows: VectorRows;
  private rowCount = 0;
  private readonly templateIds: string[] = [];
  private ownerOfRow = new Int32Array(0);
  private readonly rowByTemplate = new Map<string, number>();
  private readonly owners = new OwnerSlots();
  /** Heap position per owner slot for the distinct-owner top-k; all -1 between searches. */
  private ownerPositions = new Int32Array(0);

  constructor(readonly dimensions: number) {
    if (!Number.isInteger(dimensions) || dimensions <= 0) {
      throw new RangeError(`dimensions must be a positive integer, got ${dimensions}`);
    }
    this.rows = new VectorRows(dimensions);
  }

  /** Number of templates. */
  get size(): number {
    return this.rowCount;
  }

  /** Number of distinct owners with at least one template. */
  get ownerCount(): number {
    return this.owners.ownerCount;
  }

  /** Largest number of templates one index can hold at this dimension (one 4 GiB WebAssembly memory). */
  get maxCapacity(): number {
    return this.rows.maxCapacity;
  }

  /** Bytes of the vector storage (reserved capacity included) and the per-row columns. */
  get memoryBytes(): number {
    return this.rows.memoryBytes + this.ownerOfRow.byteLength;
  }

  has(templateId: string): boolean {
    return this.rowByTemplate.has(templateId);
  }

  /** Makes room for `capacity` templates up front (one memory grow instead of several while loading). */
  reserve(capacity: number): void {
    if (capacity <= this.rows.capacity) return;
    this.rows.reserve(capacity, this.rowCount);
    const ownerOfRow = new Int32Array(capacity);
    ownerOfRow.set(this.ownerOfRow.subarray(0, this.rowCount));
    this.ownerOfRow = ownerOfRow;
  }

  /** Adds a template, or replaces the vector and owner of an existing template id. */
  add(templateId: string, ownerId: string, vector: Float32Array): void {
    assertVector(vector, this.dimensions, 'vector');
    this.removeTemplate(templateId);
    if (this.rowCount === this.maxCapacity) throw new RangeError(`index is full (${this.maxCapacity} templates)`);
    if (this.rowCount === this.rows.capacity) {
      this.reserve(Math.min(this.maxCapacity, Math.max(MIN_CAPACITY, this.rowCount * 2)));
    }
    const row = this.rowCount;
    const storedId = compactString(templateId);
    this.rows.write(row, vector);
    this.templateIds[row] = storedId;
    this.ownerOfRow[row] = this.owners.addTemplate(ownerId);
    this.rowByTemplate.set(storedId, row);
    this.rowCount += 1;
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

  /**
   * The k most similar distinct owners, best first: an owner scores as their best template, which is the
   * template returned.
   */
  searchOwners(query: Float32Array, k: number, options: VectorSearchOptions = {}): VectorSearchHit[] {
    const limit = this.limitFor(query, k, this.owners.ownerCount);
    if (limit === 0) return [];
    const bound = this.rows.scoreApproximately(query, this.rowCount);
    const keyPositions = this.ownerPositionsFor(this.owners.slotCount);
    try {
      return this.topOwners(query, limit, bound, keyPositions, this.rowFilter(options.ownerFilter));
    } catch (error) {
      keyPositions.fill(-1); // a throwing owner filter left owners in the heaps
      throw error;
    }
  }

  /** The two passes of {@link searchOwners} after the approximate scan. */
  private topOwners(
    query: Float32Array,
    limit: number,
    bound: number,
    keyPositions: Int32Array,
    allowed: (row: number) => boolean,
  ): VectorSearchHit[] {
    const approximate = this.rows.scores;
    const ownerOfRow = this.ownerOfRow;
    // A lower bound of the k-th best approximate score, from a sample of the rows: no row more than two error bounds
    // below it can reach the exact top k. An owner scores as their best row, so the same floor holds for owners.
    const sampleTop = new TopScores(limit, keyPositions);
    let threshold = sampleTop.threshold;
    const stride = this.sampleStride(limit);
    for (let row = 0; row < this.rowCount; row += stride) {
      if (!(approximate[row] > threshold) || !allowed(row)) continue;
      sampleTop.offer(approximate[row], row, ownerOfRow[row]);
      threshold = sampleTop.threshold;
    }
    const floor = sampleTop.threshold - 2 * bound;
    sampleTop.releaseKeys();
    const top = new TopScores(limit, keyPositions);
    for (const row of this.rows.rowsScoringAtLeast(floor, this.rowCount)) {
      if (allowed(row)) top.offer(this.rows.exactScore(row, query), row, ownerOfRow[row]);
    }
    top.releaseKeys();
    return top.sorted().map(({ id: row, score }) => this.hit(row, score));
  }

  /** Validates the query and k; returns how many results to look for. */
  private limitFor(query: Float32Array, k: number, available: number): number {
    assertVector(query, this.dimensions, 'query');
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    return Math.min(k, available);
  }

  /** Per-row owner filter for one search, asking the caller's filter once per owner. */
  private rowFilter(ownerFilter: VectorSearchOptions['ownerFilter']): (row: number) => boolean {
    if (!ownerFilter) return () => true;
    this.owners.forgetFilterVerdicts();
    return (row) => this.owners.passesFilter(this.ownerOfRow[row], ownerFilter);
  }

  /**
   * Every how many rows the threshold sample looks: about 16 (a 1/16 sample's k-th best is roughly the
   * 16k-th best overall, so a few hundred rows get re-scored), but never fewer than 8k rows sampled.
   */
  private sampleStride(limit: number): number {
    return Math.max(1, Math.min(MAX_SAMPLE_STRIDE, Math.floor(this.rowCount / (8 * limit))));
  }

  private ownerPositionsFor(slotCount: number): Int32Array {
    if (this.ownerPositions.length < slotCount) this.ownerPositions = new Int32Array(slotCount * 2).fill(-1);
    return this.ownerPositions;
  }

  private hit(row: number, score: number): VectorSearchHit {
    return { templateId: this.templateIds[row], ownerId: this.owners.idOf(this.ownerOfRow[row]), similarity: score };
  }

  private removeRow(row: number): void {
    const last = this.rowCount - 1;
    this.rowByTemplate.delete(this.templateIds[row]);
    this.owners.removeTemplate(this.ownerOfRow[row]);
    if (row !== last) {
      this.rows.copy(last, row);
      this.templateIds[row] = this.templateIds[last];
      this.ownerOfRow[row] = this.ownerOfRow[last];
      this.rowByTemplate.set(this.templateIds[row], row);
    }
    this.templateIds.length = last;
    this.rowCount = last;
    // The error bound keeps the worst rows ever written; an emptied index can start afresh with a tight one.
    if (last === 0) this.rows.resetErrorBounds();
  }
}
