import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions } from './data-source-options.js';

/** The DataSource the TypeORM CLI uses (`npm run migration:*`); the app builds its own from the same options. */
export default new DataSource(buildDataSourceOptions(AppConfig.fromEnvironment()));
