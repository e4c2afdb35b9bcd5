import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { AttemptThrottle } from '../auth/attempt-throttle.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { AppConfig, type RateLimitCategory, type RateLimitSetting } from '../config/app-config.js';

/** Whom a request is counted for: an address, a user or a camera key, and the organisation it belongs to. */
export interface RateLimitSubject {
  key: string;
  organizationId: string | null;
  userId: string | null;
}

/** Where a request stands against its category's limit, for the `RateLimit-*` headers. */
export interface RateLimitState {
  limit: RateLimitSetting;
  remaining: number;
  resetSeconds: number;
}

/** Keys known to be over their limit, and keys holding a budget, are remembered locally at most this many at once. */
const MAX_LOCAL_KEYS = 10_000;
/** A claim takes at most a fiftieth of the limit (and at most this many), so instances hold little unused budget. */
const MAX_CLAIM = 100;

/** What this instance may still admit of a key without asking the database, until its window ends. */
interface LocalBudget {
  available: number;
  /** Hits counted in the database before this instance's last claim, plus those it admitted since. */
  counted: number;
  windowEndsAt: number;
}

/**
 * Counts requests per category and subject in the shared counter table (src/auth/attempt-throttle.ts), so every
 * instance sees one count. To spare a database write per request, an instance claims a budget of several hits at
 * once (a fiftieth of the limit, 1 for limits under 100, at most 100) and admits that many locally: the shared count
 * never lets more than the limit through; an instance's unused budget at most refuses a few requests early
 * elsewhere. Once a key is over, the instance refuses it from memory until the window ends, so a flood costs one
 * write per instance. The first refused claim of a window (one per key, whichever instance makes it) is written to
 * the security log.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  /** Counter key → when its window ends (ms), for keys over their limit. */
  private readonly blockedUntil = new Map<string, number>();
  private readonly budgets = new Map<string, LocalBudget>();

  constructor(
    private readonly config: AppConfig,
    private readonly counters: AttemptThrottle,
    private readonly audit: AuditService,
  ) {}

  get enabled(): boolean {
    return this.config.rateLimits !== null;
  }

  /** Counts one request; throws 429 `rate_limited` (with `retry_after`) beyond the category's limit. */
  async consume(category: RateLimitCategory, subject: RateLimitSubject): Promise<RateLimitState | null> {
    const limit = this.config.rateLimits?.[category];
    if (!limit) return null;
    const key = `rate:${category}:${subject.key}`;
    const now = Date.now();
    const blockedUntil = this.blockedUntil.get(key);
    if (blockedUntil !== undefined) {
      if (blockedUntil > now) throw this.refusal(category, limit, Math.ceil((blockedUntil - now) / 1000));
      this.blockedUntil.delete(key);
    }
    const budget = this.budgets.get(key);
    if (budget && budget.available > 0 && budget.windowEndsAt > now) {
      budget.available -= 1;
      budget.counted += 1;
      return this.state(limit, budget.counted, budget.windowEndsAt - now);
    }
    const claim = claimSize(limit.max);
    const { hits, retryAfter } = await this.counters.count(key, limit.windowSeconds, claim);
    const before = hits - claim;
    const granted = Math.min(claim, Math.max(0, limit.max - before));
    const windowEndsAt = Date.now() + retryAfter * 1000;
    if (granted > 0) {
      // Parallel claims of one key in one window add up; a budget of an ended window is dropped.
      const held = this.budgets.get(key);
      const kept = held && Math.abs(held.windowEndsAt - windowEndsAt) < 1000 ? held : undefined;
      this.keep(this.budgets, key, {
        available: granted - 1 + (kept?.available ?? 0),
        counted: Math.max(before + 1, kept?.counted ?? 0),
        windowEndsAt,
      });
      return this.state(limit, before + 1, retryAfter * 1000);
    }
    this.budgets.delete(key);
    this.keep(this.blockedUntil, key, windowEndsAt);
    // Claims grow the count by `claim` each, so exactly one claim of the window starts within [max, max + claim).
    if (before < limit.max + claim) await this.recordRefusal(category, limit, subject);
    throw this.refusal(category, limit, retryAfter);
  }

  private state(limit: RateLimitSetting, counted: number, msLeft: number): RateLimitState {
    return { limit, remaining: Math.max(0, limit.max - counted), resetSeconds: Math.max(1, Math.ceil(msLeft / 1000)) };
  }

  /** Sets `key`, first dropping what has expired (or everything) when the map is full. */
  private keep<T>(map: Map<string, T>, key: string, value: T): void {
    if (map.size >= MAX_LOCAL_KEYS && !map.has(key)) {
      const now = Date.now();
      for (const [known, held] of map) {
        const end = typeof held === 'number' ? held : (held as LocalBudget).windowEndsAt;
        if (end <= now) map.delete(known);
      }
      if (map.size >= MAX_LOCAL_KEYS) map.clear();
    }
    map.set(key, value);
  }

  private refusal(category: RateLimitCategory, limit: RateLimitSetting, retryAfter: number): ApiError {
    return new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'rate_limited',
      `Too many requests (${limit.max} per ${limit.windowSeconds} s); try again in ${retryAfter} s`,
      { retry_after: retryAfter, category, limit: limit.max, window_seconds: limit.windowSeconds },
    );
  }

  /** One row per key and window; a failure to write it must not turn the 429 into a 500. */
  private async recordRefusal(
    category: RateLimitCategory,
    limit: RateLimitSetting,
    subject: RateLimitSubject,
  ): Promise<void> {
    try {
      await this.audit.record({
        action: 'security.rate_limited',
        severity: category === 'auth' ? 'medium' : 'low',
        entityType: 'rate_limit',
        entityId: category,
        newValues: { category, subject: subject.key, limit: limit.max, window_seconds: limit.windowSeconds },
        userId: subject.userId,
        organizationId: subject.organizationId,
      });
    } catch (error) {
      this.logger.warn(`Could not record a rate limit refusal: ${String(error)}`);
    }
  }
}

/** Hits claimed from the shared counter at once: 1 under 100 (exact), else a fiftieth of the limit, at most 100. */
export function claimSize(max: number): number {
  return Math.min(MAX_CLAIM, Math.max(1, Math.floor(max / 50)));
}
