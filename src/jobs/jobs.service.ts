import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import type { PageOf } from '../common/pagination.js';
import { type JobDto, type JobQuery, toJobDto } from './job.dto.js';
import { JobQueue } from './job-queue.js';
import { JOB_OPTIONS, type JobName } from './job-types.js';
import { JobsRepository } from './jobs.repository.js';

@Injectable()
export class JobsService {
  constructor(
    private readonly queue: JobQueue,
    private readonly records: JobsRepository,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async get(caller: AuthUser, id: string): Promise<JobDto> {
    const job = await this.records.findInOrganization(id, caller.organizationId);
    if (!job) throw ApiError.notFound('Job');
    return toJobDto(job);
  }

  async list(caller: AuthUser, query: JobQuery): Promise<PageOf<JobDto>> {
    const page = await this.records.listInOrganization(
      caller.organizationId,
      { status: query.status, type: query.type },
      query,
    );
    return page.map(toJobDto);
  }

  /** Runs a failed job again, with all its attempts; 409 unless it failed and its type can be run again. */
  async retry(caller: AuthUser, id: string): Promise<JobDto> {
    const job = await this.records.findInOrganization(id, caller.organizationId);
    if (!job) throw ApiError.notFound('Job');
    if (!JOB_OPTIONS[job.type as JobName]?.retryable) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'job_not_retryable',
        `A ${job.type} job cannot run again: its input is gone once it ran; send the request again`,
      );
    }
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.records.requeueFailed(manager, id))) {
        throw new ApiError(
          HttpStatus.CONFLICT,
          'job_not_failed',
          `Only a failed job can be retried; this one is ${job.status}`,
        );
      }
      await this.audit.record(
        { action: 'job.retried', entityType: 'job', entityId: id, oldValues: { status: job.status, error: job.error } },
        manager,
      );
    });
    const queued = await this.records.findInOrganization(id, caller.organizationId);
    await this.queue.requeue(queued!);
    return toJobDto(queued!);
  }
}
