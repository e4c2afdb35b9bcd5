import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getRepositoryToken } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Job } from '../src/jobs/job.entity.js';
import { JOB_OPTIONS, type JobName, type JobPayload } from '../src/jobs/job-types.js';
import { createOrganizationWithAdmin, createUserAndLogin } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

type Page = { count: number; next: string | null; previous: string | null; results: Json[] };

/** Failed jobs for admins: the list (tenant-scoped, paginated, jobs:read) and a retry (jobs:write), both drivers. */
describe('failed jobs for admins', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  /** A job of the organisation as it is after its last attempt failed (written as such: no runner ever sees it). */
  async function failedJob<N extends JobName>(
    organizationId: string,
    name: N,
    payload: JobPayload<N>,
  ): Promise<string> {
    const jobs = context.sut.app.get<Repository<Job>>(getRepositoryToken(Job));
    const job = await jobs.save(
      jobs.create({
        type: name,
        organizationId,
        payload: payload as unknown as Record<string, unknown>,
        status: 'failed',
        attempts: JOB_OPTIONS[name].attempts,
        maxAttempts: JOB_OPTIONS[name].attempts,
        error: { error: 'internal_error', message: 'The job failed unexpectedly' },
        finishedAt: new Date(),
      }),
    );
    return job.id;
  }

  it("lists the organisation's failed jobs, page by page, and nobody else's", async () => {
    const mine = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const theirs = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const ids: string[] = [];
    for (const date of ['2026-01-05', '2026-01-06', '2026-01-07']) {
      ids.push(await failedJob(mine.organizationId, 'attendance.close', { organizationId: mine.organizationId, date }));
    }
    await failedJob(theirs.organizationId, 'attendance.close', {
      organizationId: theirs.organizationId,
      date: '2026-01-05',
    });

    const first = expectStatus(await send(mine.admin, 'get', '/jobs?status=failed&page_size=2'), 200) as Page;
    assert.equal(first.count, 3);
    assert.equal(first.results.length, 2);
    assert.ok(first.next);
    const second = expectStatus(await send(mine.admin, 'get', first.next.replace('/api/v1', '')), 200) as Page;
    const listed = [...first.results, ...second.results];
    assert.deepEqual(listed.map((job) => job.id).sort(), [...ids].sort());
    for (const job of listed) {
      assert.deepEqual(
        [job.status, job.type, (job.error as Json).error],
        ['failed', 'attendance.close', 'internal_error'],
      );
      assert.equal('payload' in job, false);
    }
    const none = expectStatus(await send(mine.admin, 'get', '/jobs?status=completed&type=faces.enroll'), 200) as Page;
    assert.equal(none.count, 0);
    expectError(await send(mine.admin, 'get', '/jobs?status=broken'), 400, 'validation_error');

    const manager = await createUserAndLogin(context.sut, mine.admin, undefined, 'manager');
    assert.equal((expectStatus(await send(manager, 'get', '/jobs?status=failed'), 200) as Page).count, 3);
    const employee = await createUserAndLogin(context.sut, mine.admin, undefined, 'employee');
    expectError(await send(employee, 'get', '/jobs?status=failed'), 403, 'forbidden');
  });

  it('runs a failed job again for an admin, who is the only one allowed to, in their organisation only', async () => {
    const mine = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const theirs = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const payload = { organizationId: mine.organizationId, date: '2026-02-02' };
    const id = await failedJob(mine.organizationId, 'attendance.close', payload);

    const manager = await createUserAndLogin(context.sut, mine.admin, undefined, 'manager');
    expectError(await send(manager, 'post', `/jobs/${id}/retry`), 403, 'forbidden');
    expectError(await send(theirs.admin, 'post', `/jobs/${id}/retry`), 404, 'not_found');

    const queued = expectStatus(await send(mine.admin, 'post', `/jobs/${id}/retry`), 200);
    assert.deepEqual([queued.id, queued.status, queued.error, queued.attempts], [id, 'queued', null, 0]);
    let job: Json = queued;
    const deadline = Date.now() + 20_000;
    while (job.status !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = expectStatus(await send(mine.admin, 'get', `/jobs/${id}`), 200);
    }
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal((job.result as Json).date, '2026-02-02');
    expectError(await send(mine.admin, 'post', `/jobs/${id}/retry`), 409, 'job_not_failed');

    const audit = expectStatus(await send(mine.admin, 'get', '/audit-logs?action=job.retried'), 200) as Page;
    assert.deepEqual(
      audit.results.map((entry) => entry.entity_id),
      [id],
    );
  });

  it('refuses to run again a job whose input is gone once it ran', async () => {
    const { admin, organizationId } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const id = await failedJob(organizationId, 'recognition.task', {
      organizationId,
      kind: 'identify',
      images: [],
      employeeId: null,
      options: {},
    });
    expectError(await send(admin, 'post', `/jobs/${id}/retry`), 409, 'job_not_retryable');
    assert.equal(expectStatus(await send(admin, 'get', `/jobs/${id}`), 200).status, 'failed');
  });
});
