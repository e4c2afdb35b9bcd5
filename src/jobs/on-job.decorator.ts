import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-types.js';

export const JOB_HANDLER = 'job-handler';

/** Marks a provider method as the handler of a job; found at start-up (one per job, no more, no less). */
export const OnJob = (name: JobName) => SetMetadata(JOB_HANDLER, name);
