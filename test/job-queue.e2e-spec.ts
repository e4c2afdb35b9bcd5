import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bullmqStore } from '../src/jobs/drivers/bullmq-connection.js';
import { BullmqJobQueue } from '../src/jobs/drivers/bullmq.driver.js';
import { DatabaseJobQueue } from '../src/jobs/drivers/database.driver.js';
import type { JobHandler, JobHandlers } from '../src/jobs/job-handlers.js';
import { Job } from '../src/jobs/job.entity.js';
import { JobFailure, JobQueue } from '../src/jobs/job-queue.js';
import { JobRunner } from '../src/jobs/job-runner.js';
import { JobsRepository } from '../src/jobs/jobs.repository.js';
import { TransactionHooks } from '../src/transactions/transaction-hooks.js';
import { startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

type Driver = (DatabaseJobQueue | BullmqJobQueue) & { onApplicationShutdown?: () => Promise<void> };

const payload = (n: number) => ({ organizationId: String(n) });
const options = { organizationId: null, createdBy: null };

/**
 * The driver the app runs (in-process on the embedded database, BullMQ on PostgreSQL: CI runs this file on both),
 * tested through the JobQueue interface with handlers of the test's own. The app's own runner is stopped, so the
 * queues made here are the only ones that run jobs.
 */
describe('the job queue', () => {
  let sut: TestApp;
  let records: JobsRepository;
  const queues: Driver[] = [];

  /** A runner of its own on the app's database (and queue), running `handler` for every job. */
  async function queueWith(handler: JobHandler, orphanAfterMs?: number, lockMs = 30_000): Promise<Driver> {
    const handlers = { discover: () => undefined, has: () => true, get: () => handler } as unknown as JobHandlers;
    const runner = new JobRunner(records, handlers);
    const hooks = sut.app.get(TransactionHooks);
    const queue: Driver = sut.config.usesEmbeddedDatabase
      ? new DatabaseJobQueue(records, runner, hooks, sut.app.get(DataSource).manager)
      : new BullmqJobQueue(records, runner, hooks, {
          store: bullmqStore(sut.config),
          workers: true,
          concurrency: 1,
          lockMs,
          orphanAfterMs,
        });
    queues.push(queue);
    await queue.onApplicationBootstrap();
    return queue;
  }

  async function stop(queue: Driver): Promise<void> {
    await queue.beforeApplicationShutdown();
    await queue.onApplicationShutdown?.();
  }

  before(async () => {
    sut = await startTestApp();
    await sut.app.get<JobQueue, Driver>(JobQueue).beforeApplicationShutdown();
    records = sut.app.get(JobsRepository);
  });
  // Each test's runners stop when it ends: a runner left over would take the next test's jobs.
  afterEach(async () => {
    for (const queue of queues.splice(0)) await stop(queue);
  });
  after(() => sut.close());

  it('runs each job exactly once when two runners share the database', async () => {
    const runs: string[] = [];
    const handler: JobHandler = async (_payload, id) => {
      runs.push(id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { ok: true };
    };
    const [a, b] = [await queueWith(handler), await queueWith(handler)];
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
    const flaky = await queueWith(() => {
      calls += 1;
      if (calls < 3) throw new Error('transient');
      return Promise.resolve({ calls });
    });
    const job = await flaky.enqueue('faces.enroll', payload(1) as never, options);
    const started = Date.now();
    const done = await flaky.waitFor(job.id, 20_000);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    assert.deepEqual([done.attempts, done.result], [3, { calls: 3 }]);
    assert.ok(Date.now() - started >= 2000 + 4000 - 200, 'waited 2 s, then 4 s (faces.enroll back-off)');
    await stop(flaky);

    const failing = await queueWith(() => Promise.reject(new JobFailure('bad_input', 'no use trying again')));
    const final = await failing.waitFor((await failing.enqueue('faces.enroll', payload(2) as never, options)).id, 5000);
    assert.deepEqual([final.status, final.attempts, final.error?.error], ['failed', 1, 'bad_input']);
  });

  it('returns the queued or running job for a repeated idempotency key, and a new one after it finished', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const queue = await queueWith(async () => {
      await held;
      return {};
    });
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
    const queue = await queueWith(() => Promise.resolve({}));
    const job = await queue.enqueue('faces.reindex', payload(9), options);
    await queue.waitFor(job.id, 5000);
    const started = Date.now();
    assert.equal((await queue.waitFor(job.id, 60_000)).status, 'completed');
    assert.ok(Date.now() - started < 1000);
  });

  it('never starts a job cancelled in a transaction, and runs the others', async () => {
    const [{ id: organizationId }] = await sut.app
      .get(DataSource)
      .query<{ id: string }[]>('SELECT id FROM organizations LIMIT 1');
    const ran: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const queue = await queueWith(async (_payload, id) => {
      ran.push(id);
      await held;
      return {};
    });
    const scoped = { organizationId, createdBy: null };
    const running = await queue.enqueue('faces.reindex', { organizationId: 'running' }, scoped);
    const doomed = await queue.enqueue('faces.reindex', { organizationId: 'doomed' }, scoped);
    const kept = await queue.enqueue('faces.reindex', { organizationId: 'kept' }, scoped);
    await waitUntil(async () => (await records.findById(running.id))?.status === 'running');
    const cancelled = await sut.app
      .get(DataSource)
      .transaction((manager) =>
        queue.cancelQueued(manager, 'faces.reindex', organizationId, { organizationId: 'doomed' }, reason),
      );
    assert.deepEqual(cancelled, [{ organizationId: 'doomed' }]);
    release();
    assert.equal((await queue.waitFor(kept.id, 10_000)).status, 'completed');
    const gone = await queue.waitFor(doomed.id, 1000);
    assert.deepEqual([gone.status, gone.error?.error, gone.attempts], ['cancelled', 'person_deleted', 0]);
    assert.deepEqual(ran.sort(), [running.id, kept.id].sort(), 'the cancelled job never ran');
  });

  it("queues a job in the caller's transaction: none if it rolls back, run once it commits", async () => {
    const ran: unknown[] = [];
    const queue = await queueWith((jobPayload) => {
      ran.push(jobPayload);
      return Promise.resolve({});
    });
    const dataSource = sut.app.get(DataSource);
    let rolledBack = '';
    await assert.rejects(
      dataSource.transaction(async (manager) => {
        rolledBack = (await queue.enqueueIn(manager, 'faces.reindex', payload(41), options)).id;
        assert.equal(
          (await manager.findOneBy(Job, { id: rolledBack }))?.status,
          'queued',
          'written in the transaction',
        );
        throw new Error('the change fails after queueing its job');
      }),
      /the change fails after queueing its job/,
    );
    const committed = await dataSource.transaction((manager) =>
      queue.enqueueIn(manager, 'faces.reindex', payload(42), options),
    );
    assert.equal((await queue.waitFor(committed.id, 10_000)).status, 'completed');
    assert.equal(await records.findById(rolledBack), null, 'the rolled-back job has no row');
    assert.deepEqual(ran, [payload(42)]);
  });

  it('runs a committed job that was never handed to the queue (its process stopped right after the commit)', async () => {
    const queue = await queueWith(() => Promise.resolve({ swept: true }), 300);
    // What a process leaves when it dies between the commit and the hand-over: the row, and nothing on the queue.
    const { job } = await records.insert('faces.reindex', payload(43), options);
    const done = await queue.waitFor(job.id, 10_000);
    assert.deepEqual([done.status, done.result], ['completed', { swept: true }]);
  });

  it('runs a failed job again when it is put back in the queue', async () => {
    let calls = 0;
    const queue = await queueWith(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new JobFailure('not_yet', 'fails once')) : Promise.resolve({ calls });
    });
    // BullMQ reports the first failure to the driver asynchronously: held here until the row is back in the queue
    // (the order CI once met), that late report must not fail the queued row again.
    const failUnfinished = records.failUnfinished.bind(records);
    let putBack!: () => void;
    const requeued = new Promise<void>((resolve) => (putBack = resolve));
    records.failUnfinished = async (...args) => requeued.then(() => failUnfinished(...args));
    try {
      const job = await queue.enqueue('faces.reindex', payload(3), options);
      assert.equal((await queue.waitFor(job.id, 5000)).status, 'failed');
      const manager = sut.app.get(DataSource).manager;
      assert.equal(await manager.transaction((tx) => records.requeueFailed(tx, job.id)), true);
      putBack();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await queue.requeue(job);
      const done = await queue.waitFor(job.id, 5000);
      assert.deepEqual([done.status, done.attempts, done.error, done.result], ['completed', 1, null, { calls: 2 }]);
    } finally {
      records.failUnfinished = failUnfinished;
    }
  });

  it(
    'fails a job whose worker stops mid-job again and again (BullMQ gives up on it), and never runs it after',
    { skip: !testDatabaseUrl && 'runs on BullMQ (TEST_DATABASE_URL)' },
    async () => {
      const starts: string[] = [];
      const hangs: JobHandler = (_payload, id) => {
        starts.push(id);
        return new Promise(() => undefined); // the worker "dies" before it ends
      };
      // A worker closed without waiting for its job stops renewing the lock, as a killed process does.
      const abandon = (queue: Driver) =>
        (queue as unknown as { worker: { close(force: boolean): Promise<void> } }).worker.close(true);
      const first = await queueWith(hangs, undefined, 500);
      const job = await first.enqueue('faces.reindex', payload(51), options);
      await waitUntil(() => Promise.resolve(starts.length === 1));
      await abandon(first);
      const second = await queueWith(hangs, undefined, 500);
      await waitUntil(() => Promise.resolve(starts.length === 2), 15_000);
      await abandon(second);
      let ranAgain = false;
      const third = await queueWith(
        () => {
          ranAgain = true;
          return Promise.resolve({});
        },
        undefined,
        500,
      );
      const done = await waitForStatus(third, job.id, 'failed', 15_000);
      assert.deepEqual([done.status, done.error?.error], ['failed', 'job_stalled']);
      assert.equal(ranAgain, false, 'a job given up on is not run');
    },
  );
});

const reason = { error: 'person_deleted', message: 'gone' };

async function waitForStatus(queue: JobQueue, id: string, status: Job['status'], timeoutMs: number): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await queue.waitFor(id, Math.max(0, deadline - Date.now()));
    if (job.status === status || Date.now() >= deadline) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
