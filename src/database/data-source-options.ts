import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import type { AppConfig } from '../config/app-config.js';
import { entities } from './entities.js';
import { createPGliteDriver } from './pglite-pool.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

/**
 * One set of TypeORM options for both databases: PostgreSQL over `pg` when DATABASE_URL is set, otherwise
 * the embedded PGlite under DATA_DIR/pgdata. Same entities, same migrations; `synchronize` is never used.
 */
export function buildDataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
  };
  if (config.databaseUrl) {
    return { ...common, url: config.databaseUrl, extra: { max: 10 } };
  }
  return {
    ...common,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    driver: createPGliteDriver(() => openEmbeddedDatabase(config.dataDir)),
  };
}

function openEmbeddedDatabase(dataDir: string): Promise<PGlite> {
  const path = join(dataDir, 'pgdata');
  mkdirSync(path, { recursive: true });
  return PGlite.create({ dataDir: path });
}
