import { HttpStatus, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';

/** How many attempts a key may make per window. */
export interface ThrottleLimit {
  /** Names the limit in the 429 (`too_many_<name>`). */
  name: string;
  max: number;
  windowSeconds: number;
}

/**
 * Counts attempts per key in PostgreSQL, so every API instance sees one count. An attempt is counted *before*
 * the guarded work (checking a password, sending a mail), in one atomic upsert, so parallel requests cannot
 * slip past the limit: of 20 parallel wrong logins exactly `max` are checked, the rest get 429.
 */
@Injectable()
export class AttemptThrottle implements OnApplicationBootstrap, OnApplicationShutdown {
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => void this.prune().catch(() => undefined), 3600_000).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
  }

  /**
   * Counts one attempt of `key`; throws 429 with `retry_after` once the window holds more than `max`. The first
   * refusal of a window goes to the security log, under `owner`'s organisation when the key is an account's.
   */
  async hit(key: string, limit: ThrottleLimit, owner?: { organizationId: string; userId: string }): Promise<void> {
    const { hits, retryAfter } = await this.count(key, limit.windowSeconds);
    if (hits <= limit.max) return;
    if (hits === limit.max + 1) {
      await this.audit
        .record({
          action: 'security.throttled',
          severity: 'medium',
          entityType: owner ? 'user' : undefined,
          entityId: owner?.userId,
          newValues: { limit: limit.name, key, max: limit.max, window_seconds: limit.windowSeconds },
          userId: owner?.userId ?? null,
          organizationId: owner?.organizationId ?? null,
        })
        .catch(() => undefined);
    }
    throw new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      `too_many_${limit.name}`,
      `Too many attempts; try again in ${retryAfter} s`,
      { retry_after: retryAfter },
    );
  }

  /**
   * Counts `by` hits of `key` in its fixed window (a new window starts when the last one is over) and answers the
   * hits so far in this window, these included, and the seconds until it ends (at least 1). Also the request rate
   * limits' counter (src/rate-limits/rate-limiter.ts), which claims several hits at once.
   */
  async count(key: string, windowSeconds: number, by = 1): Promise<{ hits: number; retryAfter: number }> {
    const [row] = await this.dataSource.query<{ hits: number; retry_after: number }[]>(
      `INSERT INTO auth_throttle AS t (key, hits, window_started_at) VALUES ($1, $3, clock_timestamp())
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN t.window_started_at <= clock_timestamp() - make_interval(secs => $2) THEN $3 ELSE t.hits + $3 END,
         window_started_at = CASE WHEN t.window_started_at <= clock_timestamp() - make_interval(secs => $2)
           THEN clock_timestamp() ELSE t.window_started_at END
       RETURNING hits, ceil(extract(epoch FROM t.window_started_at + make_interval(secs => $2) - clock_timestamp()))::int
         AS retry_after`,
      [key, windowSeconds, by],
    );
    return { hits: Number(row.hits), retryAfter: Math.max(1, Number(row.retry_after)) };
  }

  /** Takes back one counted attempt that turned out fine (a right password), so it does not count as a failure. */
  async forgive(key: string): Promise<void> {
    await this.dataSource.query('UPDATE auth_throttle SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
  }

  /** Drops counters whose window ended long ago (called now and then; a day is the longest window configurable). */
  async prune(olderThanSeconds = 86_400): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM auth_throttle WHERE window_started_at < clock_timestamp() - make_interval(secs => $1)',
      [olderThanSeconds],
    );
  }
}
