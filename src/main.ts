import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app/create-app.js';
import { exitOnSignals } from './app/graceful-shutdown.js';
import { AppConfig } from './config/app-config.js';

let config: AppConfig;
try {
  config = AppConfig.fromEnvironment();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const app = await createApp(config);
exitOnSignals(app, config.shutdownTimeoutMs);
await app.listen(config.port);
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
Logger.log(
  `Listening on http://localhost:${port} (API /api/v1, docs /docs) with ${
    config.usesEmbeddedDatabase ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL'
  }, ${config.jobs.workers ? 'running jobs' : 'jobs left to workers (WORKERS=false)'}`,
  'Main',
);
