import {
  type BackendClasses,
  type BackendFactory,
  createPostgresBackend,
  createRedisBackend,
  type IQueueBackend,
  withBackend,
} from 'bullmq';
import type { AppConfig } from '../../config/app-config.js';

/** The one BullMQ queue: every job type goes through it, and its name is the job's name. */
export const QUEUE_NAME = 'facegate';

/** BullMQ's constructors bound to the configured store, with the options every queue, worker and listener takes. */
export interface BullmqStore {
  classes: BackendClasses<IQueueBackend, unknown>;
  options: { connection: unknown; prefix?: string };
  kind: 'postgres' | 'redis';
}

/**
 * Where the queue lives: on Redis with REDIS_URL, else on bullmq's PostgreSQL backend in DATABASE_URL's database
 * (its own `bullmq` schema, created and upgraded by bullmq's migrations under its advisory lock).
 */
export function bullmqStore(config: Pick<AppConfig, 'databaseUrl' | 'redisUrl' | 'jobs'>): BullmqStore {
  if (config.redisUrl) {
    return {
      kind: 'redis',
      classes: withBackend(createRedisBackend as BackendFactory<IQueueBackend, unknown>),
      options: { connection: redisOptions(config.redisUrl), prefix: config.jobs.redisPrefix },
    };
  }
  if (!config.databaseUrl) throw new Error('BullMQ needs DATABASE_URL or REDIS_URL');
  return {
    kind: 'postgres',
    classes: withBackend(createPostgresBackend as BackendFactory<IQueueBackend, unknown>),
    // A few connections per queue, worker and listener: a worker runs few jobs at once.
    options: { connection: { connectionString: config.databaseUrl, migrate: true, max: 4 } },
  };
}

/** ioredis options from a redis:// URL (user, password, database number, TLS for rediss://). */
function redisOptions(url: string): Record<string, unknown> {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.slice(1) || 0);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Creates (or upgrades) bullmq's tables in a PostgreSQL database, as the first queue to connect would; the test
 * template database gets them once, so that every test database copied from it starts ready.
 */
export async function migrateQueueStore(databaseUrl: string): Promise<void> {
  const { classes, options } = bullmqStore({ databaseUrl, redisUrl: undefined, jobs: { redisPrefix: '' } as never });
  const queue = new classes.Queue(QUEUE_NAME, options);
  try {
    await queue.waitUntilReady();
  } finally {
    await queue.close();
  }
}
