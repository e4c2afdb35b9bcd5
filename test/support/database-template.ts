import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { migrateQueueStore } from '../../src/jobs/drivers/bullmq-connection.js';

/**
 * The middle tier of the tests: the migrations run once per test run, into a template, and every test app starts
 * on a copy of it. `test/run-tests.mjs` creates the template before it starts the runner, names it in this
 * environment variable and drops it at the end. The value is a PostgreSQL database URL (clone it with
 * `CREATE DATABASE … TEMPLATE`) or a folder holding an embedded PGlite `pgdata` (copy the folder).
 *
 * Without it (a spec file run on its own) each test app starts on an empty database and migrates it at boot.
 * `test/schema.e2e-spec.ts` keeps that path, and the reverting of every migration, tested.
 */
export const TEMPLATE_ENV = 'FACEGATE_TEST_TEMPLATE';

/** Where a template lives: a PostgreSQL database URL, or a folder with the embedded database's `pgdata`. */
export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

/** Creates the migrated template on the server of `serverUrl` (PostgreSQL) or in a temporary folder (PGlite). */
export async function createTemplate(serverUrl: string | undefined): Promise<string> {
  if (serverUrl) {
    const databaseUrl = await createEmptyDatabase(serverUrl, 'facegate_template');
    try {
      await migrate({ databaseUrl, dataDir: tmpdir() });
      // bullmq's own schema too (the job queue on PostgreSQL), so copies start with it.
      await migrateQueueStore(databaseUrl);
    } catch (error) {
      await dropDatabase(serverUrl, databaseUrl);
      throw error;
    }
    return databaseUrl;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'facegate-template-'));
  try {
    await migrate({ databaseUrl: undefined, dataDir });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return dataDir;
}

export async function dropTemplate(serverUrl: string | undefined, template: string): Promise<void> {
  if (isDatabaseUrl(template)) {
    if (serverUrl) await dropDatabase(serverUrl, template);
  } else {
    rmSync(template, { recursive: true, force: true });
  }
}

/** Applies every migration, then closes the database so that it can be copied. */
async function migrate(options: { databaseUrl: string | undefined; dataDir: string }): Promise<void> {
  const dataSource = await new DataSource(buildDataSourceOptions(options)).initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

/** Copies the template's embedded database into `dataDir` (the app opens `<dataDir>/pgdata`). */
export function copyEmbeddedTemplate(template: string, dataDir: string): void {
  cpSync(join(template, 'pgdata'), join(dataDir, 'pgdata'), { recursive: true });
}

/** A new, empty database on the server of `serverUrl`; returns its URL. */
export async function createEmptyDatabase(serverUrl: string, prefix = 'facegate_test'): Promise<string> {
  return createDatabase(serverUrl, prefix, undefined);
}

/** A new database on the server of `serverUrl`, a copy of the template database; returns its URL. */
export async function cloneDatabase(serverUrl: string, template: string): Promise<string> {
  return createDatabase(serverUrl, 'facegate_test', databaseName(template));
}

async function createDatabase(serverUrl: string, prefix: string, template: string | undefined): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  await onServer(serverUrl, `DROP DATABASE IF EXISTS ${databaseName(databaseUrl)} WITH (FORCE)`);
}

function databaseName(databaseUrl: string): string {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`Unexpected test database name "${name}"`);
  return name;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
