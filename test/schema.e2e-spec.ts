import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import 'reflect-metadata';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { createApp } from '../src/app/create-app.js';
import { AppConfig } from '../src/config/app-config.js';
import { MIGRATION_LOCK_KEY } from '../src/database/database.module.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { loginAsAdmin } from './support/api-client.js';
import { createEmptyDatabase, dropDatabase } from './support/database-template.js';
import { startTestApp, testDatabaseUrl } from './support/test-app.js';

/**
 * Indexes (some on expressions such as lower(email)), foreign keys and CHECK constraints are declared in the
 * migrations only; the entities declare tables and columns. Drift here means a table or column differs.
 */
const MIGRATION_ONLY = /^(DROP INDEX|ALTER TABLE "\w+" DROP CONSTRAINT "\w+_(fkey|check)")/;

function columnDrift(queries: { query: string }[]): string[] {
  return queries.map((query) => query.query).filter((sql) => !MIGRATION_ONLY.test(sql));
}

/** Migrates an empty database and checks the entities need no further table or column change (no drift). */
async function migrateAndCompare(options: { databaseUrl?: string; dataDir: string }): Promise<void> {
  const dataSource = new DataSource(
    buildDataSourceOptions({ databaseUrl: options.databaseUrl, dataDir: options.dataDir }),
  );
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    assert.ok(applied.length > 0, 'migrations ran on the empty database');
    const pending = await dataSource.driver.createSchemaBuilder().log();
    const statements = columnDrift(pending.upQueries);
    assert.deepEqual(statements, [], `entities and migrations disagree:\n${statements.join('\n')}`);
    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query<unknown[]>(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'users'",
    );
    assert.equal(tables.length, 0, 'every migration reverts cleanly');
  } finally {
    await dataSource.destroy();
  }
}

describe('schema', () => {
  it('migrates an empty embedded PGlite database to exactly the entities', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'facegate-schema-'));
    try {
      await migrateAndCompare({ dataDir });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it(
    'migrates an empty PostgreSQL database to exactly the entities',
    { skip: !testDatabaseUrl && 'set TEST_DATABASE_URL' },
    async () => {
      const databaseUrl = await createEmptyDatabase(testDatabaseUrl!);
      try {
        await migrateAndCompare({ databaseUrl, dataDir: tmpdir() });
      } finally {
        await dropDatabase(testDatabaseUrl!, databaseUrl);
      }
    },
  );

  it(
    'boots the app on an empty embedded database, migrating it before it serves',
    // On PostgreSQL the advisory-lock test below boots the app on an empty database.
    { skip: Boolean(testDatabaseUrl) && 'covered on PostgreSQL by the advisory-lock test' },
    async () => {
      // Test apps start on a copy of the run's migrated template; this one starts like a first installation.
      const app = await startTestApp({}, { database: 'empty' });
      try {
        const dataSource = app.app.get(DataSource);
        const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
        assert.deepEqual(
          applied.map((row) => row.name),
          migrations.map((migration) => migration.name),
        );
        const pending = await dataSource.driver.createSchemaBuilder().log();
        assert.deepEqual(columnDrift(pending.upQueries), []);
        await loginAsAdmin(app); // the first run seeded the super admin into the new tables
      } finally {
        await app.close();
      }
    },
  );

  it(
    'migrates PostgreSQL under an advisory lock, so instances starting together wait for each other',
    { skip: !testDatabaseUrl && 'set TEST_DATABASE_URL' },
    async () => {
      const databaseUrl = await createEmptyDatabase(testDatabaseUrl!, 'facegate_lock');
      const holder = new pg.Client({ connectionString: databaseUrl });
      await holder.connect();
      const dataDir = mkdtempSync(join(tmpdir(), 'facegate-lock-'));
      const config = AppConfig.fromEnvironment({
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        ADMIN_PASSWORD: 'Lock-Pass-1',
        LOG_LEVEL: 'error',
      });
      try {
        // Another instance is migrating: it holds the lock.
        await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        let started = false;
        const booting = createApp(config).then((app) => {
          started = true;
          return app;
        });
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const tables = await holder.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'migrations'");
        assert.equal(started, false, 'the instance waits while the lock is held');
        assert.equal(tables.rowCount, 0, 'nothing was migrated meanwhile');
        await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        const app = await booting;
        const applied = await app.get(DataSource).query<unknown[]>('SELECT 1 FROM migrations');
        assert.equal(applied.length, migrations.length);
        await app.close();
      } finally {
        await holder.end();
        await dropDatabase(testDatabaseUrl!, databaseUrl);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
