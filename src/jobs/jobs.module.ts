import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { TransactionHooks } from '../transactions/transaction-hooks.js';
import { bullmqStore } from './drivers/bullmq-connection.js';
import { BullmqJobQueue } from './drivers/bullmq.driver.js';
import { DatabaseJobQueue } from './drivers/database.driver.js';
import { Job } from './job.entity.js';
import { JobHandlers } from './job-handlers.js';
import { JobQueue } from './job-queue.js';
import { JobRunner } from './job-runner.js';
import { JobsController } from './jobs.controller.js';
import { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';
import { backoffOf } from './job-types.js';

/** The driver: in-process on the embedded database; BullMQ (PostgreSQL, or Redis with REDIS_URL) with DATABASE_URL. */
function createJobQueue(
  config: AppConfig,
  records: JobsRepository,
  runner: JobRunner,
  hooks: TransactionHooks,
  dataSource: DataSource,
) {
  const backoffMs = backoffOf(config.jobs.backoffMs);
  if (config.usesEmbeddedDatabase) return new DatabaseJobQueue(records, runner, hooks, dataSource.manager, backoffMs);
  return new BullmqJobQueue(records, runner, hooks, {
    store: bullmqStore(config),
    workers: config.jobs.workers,
    concurrency: config.jobs.concurrency,
    lockMs: config.jobs.lockMs,
    backoffMs,
  });
}

/** Global: features enqueue through the one JobQueue; their `@OnJob` handlers are found at start-up. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Job]), DiscoveryModule],
  controllers: [JobsController],
  providers: [
    JobHandlers,
    JobsRepository,
    JobRunner,
    JobsService,
    {
      provide: JobQueue,
      inject: [AppConfig, JobsRepository, JobRunner, TransactionHooks, DataSource],
      useFactory: createJobQueue,
    },
  ],
  exports: [JobQueue],
})
export class JobsModule {}
