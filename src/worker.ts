import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app/create-app.js';
import { exitOnSignals } from './app/graceful-shutdown.js';
import { AppConfig } from './config/app-config.js';

/**
 * `npm run worker`: the application without an HTTP listener, running job processors only (WORKERS is forced
 * on). Any number of workers, on any machines, share the queue of one DATABASE_URL (and REDIS_URL when set). Its
 * domain events still reach every API instance's sockets through the Socket.IO adapter on PostgreSQL.
 */
let config: AppConfig;
try {
  config = AppConfig.fromEnvironment({ ...process.env, WORKERS: 'true' });
  if (config.usesEmbeddedDatabase) {
    throw new Error('npm run worker needs DATABASE_URL: the embedded database runs its jobs in the API process');
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const app = await createApp(config);
exitOnSignals(app, config.shutdownTimeoutMs);
Logger.log(
  `Worker running jobs (${config.jobs.concurrency} at a time) from ${config.redisUrl ? 'Redis' : 'PostgreSQL'}`,
  'Worker',
);
