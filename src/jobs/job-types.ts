/** How a job is retried. Kept with its name here, so every job's options are in one place. */
export interface JobOptions {
  /** Runs at most this many times; a run that throws anything but a JobFailure is tried again. */
  attempts: number;
  /** Wait before the second run; doubled for each later one. */
  backoffMs: number;
  /**
   * Whether an admin may run the job again once it failed (POST /jobs/:id/retry). Not for jobs whose input is gone
   * after their run (uploaded images are removed whatever the outcome): a retry could only fail again.
   */
  retryable: boolean;
}

/** Every job the service runs, with its retry options. Start-up fails unless each has exactly one handler. */
export const JOB_OPTIONS = {
  'faces.enroll': { attempts: 3, backoffMs: 2_000, retryable: false },
  'faces.reindex': { attempts: 3, backoffMs: 30_000, retryable: true },
  'attendance.close': { attempts: 5, backoffMs: 60_000, retryable: true },
  // A task's images are gone after its one run; a retry could only fail.
  'recognition.task': { attempts: 1, backoffMs: 1_000, retryable: false },
  // A report over a long range; rendering again is harmless.
  'reports.attendance': { attempts: 2, backoffMs: 10_000, retryable: true },
  // Idempotent: a retry erases whoever the failed run left.
  'visitors.retention': { attempts: 3, backoffMs: 60_000, retryable: true },
  'visitors.reindex': { attempts: 3, backoffMs: 30_000, retryable: true },
  // One delivery of one event to one webhook; about 2 hours of retries (WEBHOOK_RETRY_BACKOFF_MS may shorten them).
  'webhooks.deliver': { attempts: 8, backoffMs: 60_000, retryable: true },
  // Idempotent: a retry deletes whatever the failed run left.
  'system.maintenance': { attempts: 3, backoffMs: 60_000, retryable: true },
} as const satisfies Record<string, JobOptions>;

export type JobName = keyof typeof JOB_OPTIONS;

/** The wait before a job's first retry (doubled for each later one). */
export type BackoffOf = (name: JobName) => number;

/** JOB_OPTIONS' back-off, unless `overrides` (the configuration's `jobs.backoffMs`) names the job. */
export function backoffOf(overrides: Readonly<Record<string, number>> = {}): BackoffOf {
  return (name) => overrides[name] ?? JOB_OPTIONS[name]?.backoffMs ?? 1000;
}

/**
 * Payload and result type of each job, declared by the feature that owns it through module augmentation (e.g.
 * `declare module '../jobs/job-types.js' { interface JobTypes { 'faces.enroll': { payload: …; result: … } } }`),
 * so the queue is typed without importing features. Payloads are stored as JSON: plain data only.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobTypes {}

export type JobPayload<N extends JobName> = N extends keyof JobTypes
  ? JobTypes[N] extends { payload: infer P }
    ? P
    : never
  : never;
export type JobResult<N extends JobName> = N extends keyof JobTypes
  ? JobTypes[N] extends { result: infer R }
    ? R
    : never
  : never;
