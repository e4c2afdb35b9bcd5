import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';

/** Any constant shared by every instance: the key of the PostgreSQL advisory lock held while migrating. */
export const MIGRATION_LOCK_KEY = 7_246_381_905;

/**
 * Opens the database and applies pending migrations before the app serves. On PostgreSQL the migrations run
 * under an advisory lock, so several instances starting at once migrate one after another, not together.
 */
async function openAndMigrate(options: DataSourceOptions, shared: boolean): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  if (!shared) {
    await dataSource.runMigrations();
    return dataSource;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}

/** Global: the data source and after-commit hooks serve every feature. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        logging: ['error', 'warn', 'migration'],
      }),
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('No database options');
        return openAndMigrate(options, options.type === 'postgres' && 'url' in options && options.url !== undefined);
      },
    }),
  ],
  providers: [TransactionHooks],
  exports: [TransactionHooks],
})
export class DatabaseModule {}
