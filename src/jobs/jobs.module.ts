import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Job } from './job.entity.js';
import { DatabaseJobQueue } from './database-job-queue.js';
import { JobHandlers } from './job-handlers.js';
import { JobQueue } from './job-queue.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

/** Global: features enqueue through the one JobQueue; their `@OnJob` handlers are found at start-up. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Job]), DiscoveryModule],
  controllers: [JobsController],
  providers: [JobHandlers, { provide: JobQueue, useClass: DatabaseJobQueue }, JobsService],
  exports: [JobQueue],
})
export class JobsModule {}
