import { compactString } from './compact-string.js';

const ALLOWED = 1;
const REJECTED = 2;

/**
 * Interns owner ids (people) as small integer slots so the index can tag each row with an Int32 and keep
 * per-owner scratch in typed arrays. A slot is freed when its owner's last template goes and is reused later.
 */
export class OwnerSlots {
  private readonly slotById = new Map<string, number>();
  private readonly idBySlot: Array<string | undefined> = [];
  private templateCounts = new Int32Array(64);
  private readonly freeSlots: number[] = [];
  /** Per slot during one search: 0 not asked yet, else ALLOWED or REJECTED by the caller's owner filter. */
  private filterVerdicts = new Int8Array(0);

  /** Highest slot number ever handed out plus one: the length per-owner scratch arrays need. */
  get slotCount(): number {
    return this.idBySlot.length;
  }

  /** Owners with at least one template. */
  get ownerCount(): number {
    return this.slotById.size;
  }

  slotOf(ownerId: string): number | undefined {
    return this.slotById.get(ownerId);
  }

  /** The owner id held by a live slot. */
  idOf(slot: number): string {
    const ownerId = this.idBySlot[slot];
    if (ownerId === undefined) throw new Error(`owner slot ${slot} is free`);
    return ownerId;
  }

  templateCount(slot: number): number {
    return this.templateCounts[slot];
  }

  /** Counts one more template for the owner, giving it a slot if it has none. */
  addTemplate(ownerId: string): number {
    let slot = this.slotById.get(ownerId);
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.idBySlot.length;
      const storedId = compactString(ownerId);
      if (slot === this.idBySlot.length) this.idBySlot.push(storedId);
      else this.idBySlot[slot] = storedId;
      this.slotById.set(storedId, slot);
      this.ensureCountCapacity(slot + 1);
      this.templateCounts[slot] = 0;
    }
    this.templateCounts[slot] += 1;
    return slot;
  }

  /** Counts one template fewer; frees the slot when it was the owner's last. */
  removeTemplate(slot: number): void {
    this.templateCounts[slot] -= 1;
    if (this.templateCounts[slot] > 0) return;
    this.slotById.delete(this.idOf(slot));
    this.idBySlot[slot] = undefined;
    this.freeSlots.push(slot);
  }

  /** Asks the filter about the slot's owner once per search; the answer is cached until the next reset. */
  passesFilter(slot: number, ownerFilter: (ownerId: string) => boolean): boolean {
    let verdict = this.filterVerdicts[slot];
    if (verdict === 0) {
      verdict = ownerFilter(this.idOf(slot)) ? ALLOWED : REJECTED;
      this.filterVerdicts[slot] = verdict;
    }
    return verdict === ALLOWED;
  }

  /** Call at the start of each filtered search. */
  forgetFilterVerdicts(): void {
    const slots = this.idBySlot.length;
    if (this.filterVerdicts.length < slots) this.filterVerdicts = new Int8Array(slots * 2);
    else this.filterVerdicts.fill(0, 0, slots);
  }

  clear(): void {
    this.slotById.clear();
    this.idBySlot.length = 0;
    this.freeSlots.length = 0;
    this.templateCounts.fill(0);
  }

  private ensureCountCapacity(slots: number): void {
    if (slots <= this.templateCounts.length) return;
    const grown = new Int32Array(Math.max(slots, this.templateCounts.length * 2));
    grown.set(this.templateCounts);
    this.templateCounts = grown;
  }
}
