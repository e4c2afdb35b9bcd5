import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { testDatabaseUrl } from './support/test-app.js';

/**
 * Indexes (some on expressions such as lower(email)) and foreign keys are declared in the migrations only;
 * the entities declare tables and columns. Drift here means a table or column differs.
 */
const MIGRATION_ONLY = /^(DROP INDEX|ALTER TABLE "\w+" DROP CONSTRAINT "\w+_fkey")/;

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
      const { startTestApp } = await import('./support/test-app.js');
      const app = await startTestApp();
      try {
        // The app migrated its fresh database at boot; compare from there.
        const dataSource = app.app.get(DataSource);
        const pending = await dataSource.driver.createSchemaBuilder().log();
        assert.deepEqual(columnDrift(pending.upQueries), []);
      } finally {
        await app.close();
      }
    },
  );
});
