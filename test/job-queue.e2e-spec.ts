import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DatabaseJobQueue } from '../src/jobs/database-job-queue.js';
import { Job } from '../src/jobs/job.entity.js';
import type { JobHandler, JobHandlers } from '../src/jobs/job-handlers.js';
import { JobFailure, JobQueue } from '../src/jobs/job-queue.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Queues of their own on the app's database, running `handler` for every job (the app's own runner is stopped). */
function queueWith(repository: Repository<Job>, handler: JobHandler): DatabaseJobQueue {
  const handlers = { discover: () => undefined, has: () => true, get: () => handler } as unknown as JobHandlers;
  const queue = new DatabaseJobQueue(repository, handlers);
  queue.onApplicationBootstrap();
  return queue;
}

const payload = (n: number) => ({ organizationId: String(n) });
const options = { organizationId: null, createdBy: null };

describe('the database job queue', () => {
  let sut: TestApp;
  let jobs: Repository<Job>;
  const queues: DatabaseJobQueue[] = [];

  before(async () => {
    sut = await startTestApp();
    await sut.app.get<JobQueue, DatabaseJobQueue>(JobQueue).onApplicationShutdown();
    jobs = sut.app.get<Repository<Job>>(getRepositoryToken(Job));
  });
  // Each test's runners stop when it ends: a runner left over would take the next test's jobs.
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.onApplicationShutdown();
  });
  after(() => sut.close());

  it('runs each job exactly once when two runners share the database', async () => {
    const runs: string[] = [];
    const handler: JobHandler = async (_payload, id) => {
      runs.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { ok: true };
    };
    const [a, b] = [queueWith(jobs, handler), queueWith(jobs, handler)];
    queues.push(a, b);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await (i % 2 ? a : b).enqueue('faces.reindex', payload(i), options)).id);
    const done = await Promise.all(ids.map((id) => a.waitFor(id, 20_000)));
    assert.deepEqual(
      done.map((job) => job.status),
      ids.map(() => 'completed'),
    );
    assert.deepEqual([...runs].sort(), [...ids].sort(), 'every job ran once, none twice');
  });

  it('retries a job that throws unexpectedly, with back-off, and keeps a JobFailure final', async () => {
    let calls = 0;
    const flaky = queueWith(jobs, () => {
      calls += 1;
      if (calls < 3) throw new Error('transient');
      return Promise.resolve({ calls });
    });
    queues.push(flaky);
    const job = await flaky.enqueue('faces.enrol', payload(1) as never, options);
    const started = Date.now();
    const done = await flaky.waitFor(job.id, 20_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual([done.attempts, done.result], [3, { calls: 3 }]);
    assert.ok(Date.now() - started >= 2000 + 4000 - 200, 'waited 2 s, then 4 s (faces.enrol back-off)');
    await flaky.onApplicationShutdown();

    const failing = queueWith(jobs, () => Promise.reject(new JobFailure('bad_input', 'no use trying again')));
    queues.push(failing);
    const final = await failing.waitFor((await failing.enqueue('faces.enrol', payload(2) as never, options)).id, 5000);
    assert.deepEqual([final.status, final.attempts, final.error?.error], ['failed', 1, 'bad_input']);
  });

  it('returns the queued or running job for a repeated idempotency key, and a new one after it finished', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const queue = queueWith(jobs, async () => {
      await held;
      return {};
    });
    queues.push(queue);
    const keyed = { ...options, idempotencyKey: 'org-1' };
    const first = await queue.enqueue('faces.reindex', payload(1), keyed);
    const again = await queue.enqueue('faces.reindex', payload(1), keyed);
    assert.equal(again.id, first.id);
    release();
    assert.equal((await queue.waitFor(first.id, 5000)).status, 'completed');
    const later = await queue.enqueue('faces.reindex', payload(1), keyed);
    assert.notEqual(later.id, first.id);
    assert.equal((await queue.waitFor(later.id, 5000)).status, 'completed');
  });

  it('answers waitFor at once for a job that already finished', async () => {
    const queue = queueWith(jobs, () => Promise.resolve({}));
    queues.push(queue);
    const job = await queue.enqueue('faces.reindex', payload(9), options);
    await queue.waitFor(job.id, 5000);
    const started = Date.now();
    assert.equal((await queue.waitFor(job.id, 60_000)).status, 'completed');
    assert.ok(Date.now() - started < 1000);
  });
});
