/**
 * Keeps the `capacity` highest scores seen, each with an integer id (a row or an owner slot), in a binary
 * min-heap over typed arrays: offering a score below the current k-th best costs one comparison.
 *
 * Given `keyPositions` (one entry per possible key, all -1), each offer also names a key (an owner slot) and
 * a key is held at most once, with its best score: the top k distinct owners in one pass over the rows.
 * {@link releaseKeys} puts the -1s back so the caller can reuse the array for the next search.
 */
export class TopScores {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  /** Distinct mode only: the key of each heap entry, and the heap position of each key (-1 when absent). */
  private readonly keys: Int32Array;
  private readonly positions: Int32Array | undefined;
  private count = 0;

  constructor(
    readonly capacity: number,
    keyPositions?: Int32Array,
  ) {
    this.scores = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
    this.keys = new Int32Array(keyPositions ? capacity : 0);
    this.positions = keyPositions;
  }

  get size(): number {
    return this.count;
  }

  /** The score an offer must beat to enter: -Infinity until full, then the k-th best so far. */
  get threshold(): number {
    return this.count < this.capacity ? -Infinity : this.scores[0];
  }

  /**
   * Adds the entry if it beats the threshold (ties with the k-th best keep the earlier entry). In distinct
   * mode an entry whose key is held replaces that key's entry only if its score is higher.
   */
  offer(score: number, id: number, key = id): void {
    const held = this.positions ? this.positions[key] : -1;
    if (held >= 0) {
      // A better score for a held key moves its entry down, towards the leaves of the min-heap.
      if (score > this.scores[held]) this.siftDown(held, score, id, key);
    } else if (this.count < this.capacity) {
      this.count += 1;
      this.siftUp(this.count - 1, score, id, key);
    } else if (score > this.scores[0]) {
      if (this.positions) this.positions[this.keys[0]] = -1;
      this.siftDown(0, score, id, key);
    }
  }

  /** Resets the positions of the held keys to -1 (evicted keys were reset when they left). */
  releaseKeys(): void {
    if (!this.positions) return;
    for (let index = 0; index < this.count; index += 1) this.positions[this.keys[index]] = -1;
  }

  /** Entries from best to worst. */
  sorted(): Array<{ id: number; score: number }> {
    const entries: Array<{ id: number; score: number }> = [];
    for (let index = 0; index < this.count; index += 1) {
      entries.push({ id: this.ids[index], score: this.scores[index] });
    }
    return entries.sort((a, b) => b.score - a.score);
  }

  private place(index: number, score: number, id: number, key: number): void {
    this.scores[index] = score;
    this.ids[index] = id;
    if (this.positions) {
      this.keys[index] = key;
      this.positions[key] = index;
    }
  }

  private move(from: number, to: number): void {
    this.place(to, this.scores[from], this.ids[from], this.positions ? this.keys[from] : 0);
  }

  private siftUp(start: number, score: number, id: number, key: number): void {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.scores[parent] <= score) break;
      this.move(parent, index);
      index = parent;
    }
    this.place(index, score, id, key);
  }

  /** Puts the entry at `start` (whose old entry is dropped or has the same key) and restores the heap. */
  private siftDown(start: number, score: number, id: number, key: number): void {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.move(child, index);
      index = child;
    }
    this.place(index, score, id, key);
  }
}
