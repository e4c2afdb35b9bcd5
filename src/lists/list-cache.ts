/** What changed: one organisation's lists, or every organisation's (a change whose organisation is unknown). */
export type ListChange = { organizationId: string } | { all: true };

interface Entry {
  value: unknown;
  storedAt: number;
  organizationId: string;
}

/**
 * Entries are dropped at the latest after this long: a safety net for a change no watched write announced (a row
 * updated by a foreign key's ON DELETE SET NULL, for instance).
 */
const MAX_AGE_MS = 30_000;
const MAX_ENTRIES = 2_000;

/**
 * A per-instance cache of what list pages read from the database (one page of rows and the count, facets), keyed
 * by organisation and the list's query, so that a dashboard polling a list costs no query until something in the
 * organisation's lists changes. `drop` is called after every watched change commits, on every instance (see
 * ListInvalidation); a load that began before a drop is neither stored nor shared with later callers, so a request
 * made after a change never sees what was there before it.
 */
export class ListCache {
  private readonly entries = new Map<string, Entry>();
  /** Loads under way, shared by callers asking for the same page meanwhile (cleared by every drop). */
  private readonly loading = new Map<string, Promise<unknown>>();
  private generation = 0;
  private enabled = true;

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached value of the organisation's `key`, or `load()`'s (stored unless a change came meanwhile). */
  get<T>(organizationId: string, key: string, load: () => Promise<T>): Promise<T> {
    const fullKey = `${organizationId}\n${key}`;
    const hit = this.entries.get(fullKey);
    if (hit && this.now() - hit.storedAt < MAX_AGE_MS) return Promise.resolve(hit.value as T);
    const pending = this.loading.get(fullKey);
    if (pending) return pending as Promise<T>;
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        if (generation !== this.generation) return value;
        this.loading.delete(fullKey);
        if (this.enabled) this.store(fullKey, { value, storedAt: this.now(), organizationId });
        return value;
      },
      (error: unknown) => {
        if (generation === this.generation) this.loading.delete(fullKey);
        throw error;
      },
    );
    this.loading.set(fullKey, loaded);
    return loaded;
  }

  drop(change: ListChange): void {
    this.generation += 1;
    this.loading.clear();
    if ('all' in change) {
      this.entries.clear();
      return;
    }
    for (const [key, entry] of this.entries) {
      if (entry.organizationId === change.organizationId) this.entries.delete(key);
    }
  }

  /** While changes cannot be received (lost connection), nothing is cached: every list reads. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.drop({ all: true });
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, entry);
  }
}

/** A stable key for a list query: its defined fields, sorted, whatever order the query string gave them in. */
export function listKey(list: string, query: object): string {
  const fields = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${list}?${JSON.stringify(fields)}`;
}
