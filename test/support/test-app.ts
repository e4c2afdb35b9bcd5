import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { createApp } from '../../src/app/create-app.js';
import { AppConfig } from '../../src/config/app-config.js';

export const ADMIN_PASSWORD = 'Admin-Pass-1';

/** PostgreSQL server URL for tests (a fresh database is created per app); unset → embedded PGlite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** Stops the app and starts it again on the same database and data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the whole application on a fresh, empty database: a new PostgreSQL database when
 * TEST_DATABASE_URL/DATABASE_URL is set, otherwise a new embedded PGlite in a temporary folder.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-test-'));
  const databaseUrl = testDatabaseUrl ? await createDatabase(testDatabaseUrl) : undefined;
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'error',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const handle: TestApp = {
    app: await boot(config),
    config,
    http: () => request(handle.app.getHttpServer()),
    async restart() {
      await handle.app.close().catch(() => undefined);
      handle.app = await boot(config);
    },
    async close() {
      await handle.app.close();
      if (databaseUrl && testDatabaseUrl) await dropDatabase(testDatabaseUrl, databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

async function boot(config: AppConfig): Promise<INestApplication> {
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  return app;
}

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `facegate_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
