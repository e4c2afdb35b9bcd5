/** What is cached to decide whether an access token or a device key still works. */
export type AccessChange =
  { userId: string } | { familyId: string } | { organizationId: string } | { cameraId: string } | { all: true };

interface Entry {
  value: unknown;
  storedAt: number;
  /**
   * Set on user entries (their organisation), family entries (their user) and camera key entries (their camera), to
   * drop them with it.
   */
  owner?: string;
}

/** Entries are dropped at the latest after this long, should an invalidation ever be missed. */
const MAX_AGE_MS = 5 * 60_000;
const MAX_ENTRIES = 100_000;

/**
 * A per-instance cache of what access checks read on every request (a user's token version and state, whether
 * a login's refresh family is still live, whether an organisation is active, a camera key's camera and that
 * camera's settings), so that checking a token or a device key costs no database query. `drop` is called for
 * every change, on every instance (see AccessInvalidation); a fill that started before a drop is not stored, so a
 * slow read can never put an outdated value back.
 */
export class AccessCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private enabled = true;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The cached value of `key`, or `load()`'s, stored unless something changed while it loaded or `owner` answers
   * null (a value not worth keeping, such as an unknown key: guesses must not fill the cache).
   */
  async get<T>(key: string, load: () => Promise<T>, owner?: (value: T) => string | undefined | null): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.storedAt < MAX_AGE_MS) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    const ownedBy = owner?.(value);
    if (this.enabled && generation === this.generation && ownedBy !== null) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, storedAt: this.now(), owner: ownedBy });
    }
    return value;
  }

  drop(change: AccessChange): void {
    this.generation += 1;
    if ('all' in change) {
      this.entries.clear();
      return;
    }
    if ('cameraId' in change) {
      this.dropWithDependents('camera:', change.cameraId, 'camera-key:');
      return;
    }
    if ('organizationId' in change) {
      // Rare (an organisation deactivated or deleted): its cameras go too, with every camera entry.
      for (const key of this.entries.keys()) if (key.startsWith('camera')) this.entries.delete(key);
    }
    const [prefix, id] =
      'userId' in change
        ? ['user:', change.userId]
        : 'familyId' in change
          ? ['family:', change.familyId]
          : ['organization:', change.organizationId];
    if ('familyId' in change) {
      this.entries.delete(prefix + id);
      return;
    }
    // A user's families, or an organisation's users (their permissions come from its roles).
    this.dropWithDependents(prefix, id, 'userId' in change ? 'family:' : 'user:');
  }

  private dropWithDependents(prefix: string, id: string, dependent: string): void {
    this.entries.delete(prefix + id);
    for (const [key, entry] of this.entries) {
      if (entry.owner === id && key.startsWith(dependent)) this.entries.delete(key);
    }
  }

  /** While invalidations cannot be received (lost connection), nothing is cached: every check reads. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.drop({ all: true });
  }

  get size(): number {
    return this.entries.size;
  }
}
