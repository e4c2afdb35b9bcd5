/**
 * Keeps the `capacity` highest scores seen, each with an integer id (a row or an owner slot), in a binary
 * min-heap over typed arrays: offering a score below the current k-th best costs one comparison.
 */
export class TopScores {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The score an offer must beat to enter: -Infinity until full, then the k-th best so far. */
  get threshold(): number {
    return this.count < this.capacity ? -Infinity : this.scores[0];
  }

  /** Adds the entry if it beats the threshold (ties with the k-th best keep the earlier entry). */
  offer(score: number, id: number): void {
    if (this.count < this.capacity) {
      this.siftUp(this.count, score, id);
      this.count += 1;
    } else if (score > this.scores[0]) {
      this.siftDown(score, id);
    }
  }

  /** Entries from best to worst. */
  sorted(): Array<{ id: number; score: number }> {
    const entries: Array<{ id: number; score: number }> = [];
    for (let index = 0; index < this.count; index += 1) {
      entries.push({ id: this.ids[index], score: this.scores[index] });
    }
    return entries.sort((a, b) => b.score - a.score);
  }

  private siftUp(start: number, score: number, id: number): void {
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.scores[parent] <= score) break;
      this.scores[index] = this.scores[parent];
      this.ids[index] = this.ids[parent];
      index = parent;
    }
    this.scores[index] = score;
    this.ids[index] = id;
  }

  /** Replaces the minimum (the root) and restores the heap. */
  private siftDown(score: number, id: number): void {
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.scores[index] = this.scores[child];
      this.ids[index] = this.ids[child];
      index = child;
    }
    this.scores[index] = score;
    this.ids[index] = id;
  }
}
