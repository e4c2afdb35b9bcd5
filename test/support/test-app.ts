import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app/create-app.js';
import { AppConfig } from '../../src/config/app-config.js';
import { MailTransport, type MailMessage } from '../../src/mail/mail-transport.js';
import {
  cloneDatabase,
  copyEmbeddedTemplate,
  createEmptyDatabase,
  dropDatabase,
  isDatabaseUrl,
  TEMPLATE_ENV,
} from './database-template.js';

export const ADMIN_PASSWORD = 'Admin-Pass-1';

/**
 * Rate limits far above what any suite sends from 127.0.0.1 with one admin, so the limiter runs in every test
 * without refusing; test/rate-limits.e2e-spec.ts starts apps with small ones.
 */
export const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_AUTH: '1000000/60',
  RATE_LIMIT_VERIFICATION: '1000000/60',
  RATE_LIMIT_REPORTS: '1000000/60',
  RATE_LIMIT_FRAMES: '1000000/60',
  RATE_LIMIT_GENERAL: '1000000/60',
};

/** PostgreSQL server URL for tests (a database is created per app); unset → embedded PGlite. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  /** Stops the app and starts it again on the same database and data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * `template` (the default): a copy of the database the test run migrated once (see database-template.ts);
   * `empty`: a new, empty database that the app migrates as it boots, like a first installation.
   */
  database?: 'template' | 'empty';
}

/**
 * Starts the whole application on a database of its own: a new PostgreSQL database when
 * TEST_DATABASE_URL/DATABASE_URL is set, otherwise an embedded PGlite in a new temporary folder. The database is
 * a copy of the run's migrated template when there is one, else empty (the app migrates it at boot).
 */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-test-'));
  const template = options.database === 'empty' ? undefined : process.env[TEMPLATE_ENV];
  let databaseUrl: string | undefined;
  if (testDatabaseUrl) {
    databaseUrl =
      template && isDatabaseUrl(template)
        ? await cloneDatabase(testDatabaseUrl, template)
        : await createEmptyDatabase(testDatabaseUrl);
  } else if (template && !isDatabaseUrl(template)) {
    copyEmbeddedTemplate(template, dataDir);
  }
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'error',
    ...GENEROUS_RATE_LIMITS,
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

/**
 * Another API instance on `sut`'s PostgreSQL database and data directory, with the same secrets, as a second replica
 * behind a load balancer would be: replicas share the files volume (a job queued on one instance, with its photos
 * staged as files, may run on another). Closing it leaves the database and the files to `sut`.
 */
export async function startReplica(sut: TestApp, env: Record<string, string> = {}): Promise<TestApp> {
  if (!sut.config.databaseUrl)
    throw new Error('startReplica: replicas share a PostgreSQL database (TEST_DATABASE_URL)');
  const config = AppConfig.fromEnvironment({
    NODE_ENV: 'test',
    DATA_DIR: sut.config.dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'error',
    DATABASE_URL: sut.config.databaseUrl,
    JWT_SECRET: sut.config.jwtSecret,
    CAMERA_SECRETS_KEY: sut.config.cameraSecretsKey.toString('base64'),
    VISITOR_ID_KEY: sut.config.visitorIdKey.toString('base64'),
    ...GENEROUS_RATE_LIMITS,
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
    },
  };
  return handle;
}

async function boot(config: AppConfig): Promise<INestApplication> {
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Keeps the mails the app sends (instead of sending them) in the returned list, until the app restarts. */
export function captureMails(sut: TestApp): MailMessage[] {
  const mails: MailMessage[] = [];
  sut.app.get(MailTransport).send = (message: MailMessage) => {
    mails.push(message);
    return Promise.resolve();
  };
  return mails;
}

/** Every file the app's file storage holds on disk (DATA_DIR/files), as sorted paths. */
export function filesOnDisk(sut: TestApp): string[] {
  try {
    return readdirSync(join(sut.config.dataDir, 'files'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}
