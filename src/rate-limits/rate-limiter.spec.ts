import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptThrottle } from '../auth/attempt-throttle.js';
import type { AuditEntry, AuditService } from '../audit/audit.service.js';
import type { AppConfig, RateLimitSetting } from '../config/app-config.js';
import { claimSize, RateLimiter } from './rate-limiter.js';

/** The shared counter table of several instances: one count per key, in one window that never ends. */
class SharedCounters {
  readonly hits = new Map<string, number>();
  calls = 0;

  count(key: string, _windowSeconds: number, by = 1): Promise<{ hits: number; retryAfter: number }> {
    this.calls += 1;
    const hits = (this.hits.get(key) ?? 0) + by;
    this.hits.set(key, hits);
    return Promise.resolve({ hits, retryAfter: 60 });
  }
}

function instance(counters: SharedCounters, general: RateLimitSetting, logged: AuditEntry[] = []): RateLimiter {
  const config = { rateLimits: { general } } as unknown as AppConfig;
  const audit = { record: (entry: AuditEntry) => Promise.resolve(void logged.push(entry)) } as unknown as AuditService;
  return new RateLimiter(config, counters as unknown as AttemptThrottle, audit);
}

const subject = { key: 'user:u1', organizationId: 'o1', userId: 'u1' };

/** How many of `count` requests, sent round-robin to the instances, are admitted. */
async function admitted(instances: RateLimiter[], count: number): Promise<number> {
  let admittedCount = 0;
  for (let i = 0; i < count; i++) {
    try {
      await instances[i % instances.length].consume('general', subject);
      admittedCount += 1;
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'rate_limited');
    }
  }
  return admittedCount;
}

describe(RateLimiter.name, () => {
  it('claims one hit at a time under 100 requests per window, so small limits are exact', async () => {
    const counters = new SharedCounters();
    const sut = instance(counters, { max: 5, windowSeconds: 60 });
    assert.equal(await admitted([sut], 8), 5);
    assert.equal(counters.calls, 6, 'five admitted, one refused, then refused from memory');
  });

  it('admits exactly the limit from one instance with a fraction of the database writes', async () => {
    const counters = new SharedCounters();
    const sut = instance(counters, { max: 1000, windowSeconds: 3600 });
    assert.equal(claimSize(1000), 20);
    assert.equal(await admitted([sut], 1100), 1000);
    assert.equal(counters.calls, 51, '50 claims of 20, then one refused claim');
  });

  it('never admits more than the limit across instances, and refuses at most their unused budgets early', async () => {
    const counters = new SharedCounters();
    const instances = [0, 1, 2].map(() => instance(counters, { max: 1000, windowSeconds: 3600 }));
    const total = await admitted(instances, 1300);
    assert.ok(total <= 1000, `${total} admitted`);
    assert.ok(total >= 1000 - instances.length * (claimSize(1000) - 1), `${total} admitted`);
  });

  it('logs one refusal per key and window, whichever instance refuses', async () => {
    const counters = new SharedCounters();
    const logged: AuditEntry[] = [];
    const instances = [0, 1].map(() => instance(counters, { max: 200, windowSeconds: 60 }, logged));
    await admitted(instances, 260);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].action, 'security.rate_limited');
    assert.equal(logged[0].organizationId, 'o1');
  });
});
