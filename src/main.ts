import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app/create-app.js';
import { AppConfig } from './config/app-config.js';

let config: AppConfig;
try {
  config = AppConfig.fromEnvironment();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const app = await createApp(config);
await app.listen(config.port);
Logger.log(
  `Listening on http://localhost:${config.port} (API /api/v1, docs /docs) with ${
    config.usesEmbeddedDatabase ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL'
  }`,
  'Main',
);
