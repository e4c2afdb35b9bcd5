import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { type JobDto, toJobDto } from './job.dto.js';
import { JobQueue } from './job-queue.js';

@Injectable()
export class JobsService {
  constructor(private readonly queue: JobQueue) {}

  async get(caller: AuthUser, id: string): Promise<JobDto> {
    const job = await this.queue.find(id, caller.organizationId);
    if (!job) throw ApiError.notFound('Job');
    return toJobDto(job);
  }
}
