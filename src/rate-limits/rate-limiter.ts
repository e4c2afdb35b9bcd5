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

/** Keys known to be over their limit are remembered locally at most this many at once. */
const MAX_BLOCKED_KEYS = 10_000;

/**
 * Counts requests per category and subject in the shared counter table (src/auth/attempt-throttle.ts), so every
 * instance sees one count. Once a key is over its limit, this instance refuses it from memory until the window
 * ends, so a flood costs one database write per instance, not one per request. The first refused request of a
 * window (one per key, whichever instance sees it) is written to the security log.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  /** Counter key → when its window ends (ms), for keys over their limit. */
  private readonly blockedUntil = new Map<string, number>();

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
    const blockedUntil = this.blockedUntil.get(key);
    if (blockedUntil !== undefined) {
      const left = blockedUntil - Date.now();
      if (left > 0) throw this.refusal(category, limit, Math.ceil(left / 1000));
      this.blockedUntil.delete(key);
    }
    const { hits, retryAfter } = await this.counters.count(key, limit.windowSeconds);
    if (hits <= limit.max) return { limit, remaining: limit.max - hits, resetSeconds: retryAfter };
    this.remember(key, Date.now() + retryAfter * 1000);
    if (hits === limit.max + 1) await this.recordRefusal(category, limit, subject);
    throw this.refusal(category, limit, retryAfter);
  }

  private refusal(category: RateLimitCategory, limit: RateLimitSetting, retryAfter: number): ApiError {
    return new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'rate_limited',
      `Too many requests (${limit.max} per ${limit.windowSeconds} s); try again in ${retryAfter} s`,
      { retry_after: retryAfter, category, limit: limit.max, window_seconds: limit.windowSeconds },
    );
  }

  private remember(key: string, until: number): void {
    if (this.blockedUntil.size >= MAX_BLOCKED_KEYS) {
      const now = Date.now();
      for (const [known, end] of this.blockedUntil) if (end <= now) this.blockedUntil.delete(known);
      if (this.blockedUntil.size >= MAX_BLOCKED_KEYS) this.blockedUntil.clear();
    }
    this.blockedUntil.set(key, until);
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
