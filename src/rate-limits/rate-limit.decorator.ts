import { SetMetadata } from '@nestjs/common';
import type { RateLimitCategory } from '../config/app-config.js';

export const RATE_LIMIT_METADATA = 'rate-limit';

/** A route's category of request rate limit, or `none` for routes outside every limit (health probes, signed files). */
export type RateLimitRule = RateLimitCategory | 'none';

/**
 * Puts a route (or every route of a controller) in a rate limit category. Without it, public routes count as `auth`
 * (per client address) and authenticated routes as `general` (per user or camera key). See docs/security.md.
 */
export const RateLimit = (rule: RateLimitRule) => SetMetadata(RATE_LIMIT_METADATA, rule);
