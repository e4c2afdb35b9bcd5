/** What changed: one organisation's lists, or every organisation's (a change whose organisation is unknown). */
export type ListChange = { organizationId: string } | { all: true };

interface Entry {
  value: unknown;
  storedAt: number;
  organizationId: string;
  /** The rows it holds, counted against MAX_ROWS. */
  rows: number;
}

/**
 * Entries are dropped at the latest after this long: a safety net for a change no watched write announced (a row
 * updated by a foreign key's ON DELETE SET NULL, for instance).
 */
const MAX_AGE_MS = 30_000;
/** At most this many rows are kept in all (a person's row is about 1.5 KB: some 30 MB); the oldest pages go first. */
const MAX_ROWS = 20_000;

/**
 * A per-instance cache of what list pages read from the database (one page of rows and the count, facets), keyed
 * by organisation and the list's query, so that a dashboard polling a list costs no query until something in the
 * organisation's lists changes. `drop` is called after every watched change commits, on every instance (see
 * ListInvalidation); a load that began before a drop is neither stored nor shared with later callers, so a request
 * made after a change never sees what was there before it.
 */
export class ListCache {
  private readonly entries = new Map<string, Entry>();
  private rows = 0;
  /** Loads under way, shared by callers asking for the same page meanwhile (cleared by every drop). */
  private readonly loading = new Map<string, Promise<unknown>>();
  private generation = 0;
  private enabled = true;

  constructor(
    /** Told where each page came from (metrics). */
    private readonly onRead: (source: 'cache' | 'database') => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The cached value of the organisation's `key`, or `load()`'s (stored unless a change came meanwhile); `rowsOf`
   * counts the rows a value holds, which bound the cache's size.
   */
  get<T>(organizationId: string, key: string, load: () => Promise<T>, rowsOf: (value: T) => number): Promise<T> {
    const fullKey = `${organizationId}\n${key}`;
    const hit = this.entries.get(fullKey);
    if (hit && this.now() - hit.storedAt < MAX_AGE_MS) {
      this.onRead('cache');
      return Promise.resolve(hit.value as T);
    }
    const pending = this.loading.get(fullKey);
    this.onRead(pending ? 'cache' : 'database');
    if (pending) return pending as Promise<T>;
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        if (generation !== this.generation) return value;
        this.loading.delete(fullKey);
        if (this.enabled) {
          this.store(fullKey, { value, storedAt: this.now(), organizationId, rows: Math.max(1, rowsOf(value)) });
        }
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
    for (const [key, entry] of this.entries) {
      if ('all' in change || entry.organizationId === change.organizationId) this.delete(key, entry);
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

  /** Rows held by the cached pages. */
  get rowCount(): number {
    return this.rows;
  }

  private store(key: string, entry: Entry): void {
    const replaced = this.entries.get(key);
    if (replaced) this.delete(key, replaced);
    for (const [oldest, old] of this.entries) {
      if (this.rows + entry.rows <= MAX_ROWS) break;
      this.delete(oldest, old);
    }
    this.entries.set(key, entry);
    this.rows += entry.rows;
  }

  private delete(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.rows -= entry.rows;
  }
}

/** A stable key for a list query: its defined fields, sorted, whatever order the query string gave them in. */
export function listKey(list: string, query: object): string {
  const fields = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `${list}?${JSON.stringify(fields)}`;
}
