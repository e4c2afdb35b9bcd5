import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { JobQueue } from '../src/jobs/job-queue.js';
import { MaintenanceScheduler } from '../src/system/maintenance.scheduler.js';
import { bearer, createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { expectError, expectStatus, type Json } from './support/api-calls.js';
import { createEnrolledPerson, identify, photosOf } from './support/people.js';
import { createCamera, createCameraKey, frameDetections } from './support/presence-cameras.js';
import { repoRoot, skipWithoutPhotos } from './support/shared-data.js';
import { testDatabaseUrl } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const DAY_MS = 86_400_000;

describe('system health, usage and maintenance', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp();
  const db = () => context.sut.app.get(DataSource);
  let organizationId: string;
  let admin: Session;
  let enrolledJobIds: string[];

  const get = (session: Session, path: string) => context.sut.http().get(`/api/v1${path}`).set(bearer(session));
  const maintain = (session: Session, body: object) =>
    context.sut.http().post('/api/v1/system/maintenance').set(bearer(session)).send(body);
  const finished = async (jobId: string) => {
    const job = await context.sut.app.get(JobQueue).waitFor(jobId, 60_000);
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    return job.result as { organizations: number; deleted: Record<string, number> };
  };

  before(async () => {
    ({ organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    const photos = photosOf('knn', 'train', 'biden');
    enrolledJobIds = [];
    for (const photo of photos.slice(0, 2)) {
      await createEnrolledPerson(context.sut, admin, [photo]);
      const [row] = await db().query<{ id: string }[]>(
        `SELECT id FROM jobs WHERE organization_id = $1 AND type = 'faces.enroll' AND id <> ALL($2::uuid[])
         ORDER BY created_at DESC LIMIT 1`,
        [organizationId, enrolledJobIds],
      );
      enrolledJobIds.push(row.id);
    }
  });

  it('GET /system/health answers the database round trip, queue, workers, models, galleries and version', async () => {
    const health = expectStatus(await get(admin, '/system/health'), 200);
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(health.status, 'ok');
    assert.equal(health.version, version);
    assert.ok(Number(health.uptime_seconds) >= 0);
    assert.deepEqual(health.checks, { database: 'up', models: 'up' });
    const database = health.database as Json;
    assert.equal(database.status, 'up');
    assert.ok(Number(database.round_trip_ms) > 0);
    assert.equal(database.embedded, !testDatabaseUrl);
    const queue = health.queue as { driver: string; depth: Record<string, number> };
    assert.equal(queue.driver, testDatabaseUrl ? 'bullmq-postgres' : 'database');
    const [{ count }] = await db().query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM jobs WHERE status = 'completed'`,
    );
    assert.equal(queue.depth.completed, count);
    assert.ok(count >= 2);
    assert.equal((health.workers as Json).runs_jobs, true);
    const workersSeen = (health.workers as Json).workers_seen;
    // The embedded database runs jobs in this one process; BullMQ counts the workers connected to its queue.
    if (testDatabaseUrl) assert.ok(workersSeen === null || Number(workersSeen) >= 1, String(workersSeen));
    else assert.equal(workersSeen, 1);
    const queuedAge = (health.queue as Json).oldest_queued_age_seconds;
    assert.ok(queuedAge === null ? !queue.depth.queued : Number(queuedAge) >= 0);
    const models = expectStatus(await get(admin, '/models'), 200).results as { id: string; loaded: boolean }[];
    const loaded = models.filter((model) => model.loaded).map((model) => model.id);
    assert.ok(loaded.length >= 2);
    assert.deepEqual((health.models as Json).loaded, loaded);
    assert.ok(Number((health.galleries as Json).employees) >= 2);
    assert.equal((health.galleries as Json).visitors, 0);
    assert.equal(health.live_clients, 0);
  });

  it('GET /system/metrics answers CPU, memory, disk and the processing totals since start', async () => {
    const first = expectStatus(await get(admin, '/system/metrics'), 200);
    assert.equal((first.cpu as Json).cores, cpus().length);
    assert.equal(((first.cpu as Json).load_average as number[]).length, 3);
    assert.ok(Number((first.memory as Json).rss_bytes) > 0);
    assert.ok(Number((first.memory as Json).system_total_bytes) > Number((first.memory as Json).rss_bytes));
    const disk = first.disk as Json;
    assert.equal(disk.path, context.sut.config.dataDir);
    assert.ok(Number(disk.total_bytes) >= Number(disk.free_bytes) && Number(disk.free_bytes) > 0);
    const before = first.processing as Json;
    assert.ok(Number(before.enrollments_ok) >= 2);

    const identified = await identify(context.sut, admin, ['knn', 'test', 'obama_and_biden.jpg']);
    const body = identified.body as { faces_recognized: number; faces_detected: number };
    assert.ok(body.faces_recognized >= 1, JSON.stringify(body));
    const after = expectStatus(await get(admin, '/system/metrics'), 200).processing as Json;
    assert.equal(Number(after.faces_recognized) - Number(before.faces_recognized), body.faces_recognized);
    assert.equal(
      Number(after.faces_unknown) - Number(before.faces_unknown),
      body.faces_detected - body.faces_recognized,
    );
    const total = Number(after.faces_recognized) + Number(after.faces_unknown);
    assert.equal(after.recognition_rate, Math.round((Number(after.faces_recognized) / total) * 10_000) / 10_000);
  });

  it('refuses users without system:read or system:write (403), and all_organizations to an org admin', async () => {
    const manager = await createUserAndLogin(context.sut, admin, undefined, 'manager');
    expectError(await get(manager, '/system/health'), 403, 'forbidden');
    expectError(await get(manager, '/system/metrics'), 403, 'forbidden');
    expectError(await maintain(manager, {}), 403, 'forbidden');
    expectError(await maintain(admin, { all_organizations: true }), 403, 'forbidden');
  });

  it('answers 400 to unknown tasks and to a retention under one day', async () => {
    expectError(await maintain(admin, { tasks: ['bogus'] }), 400, 'validation_error');
    expectError(await maintain(admin, { tasks: [] }), 400, 'validation_error');
    expectError(await maintain(admin, { older_than_days: 0 }), 400, 'validation_error');
  });

  it('deletes old audit entries, finished jobs, unknown faces’ snapshot files and webhook deliveries, keeping recent ones', async () => {
    // Two unknown faces at two cameras; one of them seen 40 days ago.
    const key = async () => {
      const camera = await createCamera(context.sut, organizationId);
      return { camera, key: await createCameraKey(context.sut, camera) };
    };
    const a = await key();
    const b = await key();
    const [oldFace] = await frameDetections(
      context.sut,
      a.camera.id,
      a.key,
      ['knn', 'test', 'johnsnow_test1.jpg'],
      201,
    );
    const [newFace] = await frameDetections(
      context.sut,
      b.camera.id,
      b.key,
      ['knn', 'test', 'johnsnow_test1.jpg'],
      201,
    );
    assert.equal(oldFace.is_unknown_face, true);
    await db().query(
      `UPDATE presence_events SET occurred_at = occurred_at - interval '40 days',
         last_seen_at = last_seen_at - interval '40 days' WHERE id = $1`,
      [oldFace.event_id],
    );
    const snapshotFiles = async (eventId: string) =>
      db().query<{ id: string; storage_key: string }[]>(
        `SELECT f.id, f.storage_key FROM stored_files f JOIN presence_events e
           ON f.id IN (e.snapshot_file_id, e.snapshot_thumbnail_id) WHERE e.id = $1`,
        [eventId],
      );
    const onDisk = (file: { storage_key: string }) =>
      existsSync(join(context.sut.config.dataDir, 'files', file.storage_key));
    const oldFiles = await snapshotFiles(oldFace.event_id);
    const newFiles = await snapshotFiles(newFace.event_id);
    assert.equal(oldFiles.length, 2);
    assert.ok(oldFiles.every(onDisk) && newFiles.every(onDisk));

    // Two audit entries of the organisation 400 days old (RETENTION_AUDIT_DAYS is 365), and another organisation's.
    const audits = await db().query<{ id: string }[]>(
      `SELECT id FROM audit_logs WHERE organization_id = $1 ORDER BY created_at`,
      [organizationId],
    );
    assert.ok(audits.length >= 4);
    const agedAudits = audits.slice(0, 2).map((row) => row.id);
    const other = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const [otherAudit] = await db().query<{ id: string }[]>(
      `SELECT id FROM audit_logs WHERE organization_id = $1 LIMIT 1`,
      [other.organizationId],
    );
    await db().query(`UPDATE audit_logs SET created_at = now() - interval '400 days' WHERE id = ANY($1::uuid[])`, [
      [...agedAudits, otherAudit.id],
    ]);
    // One finished job 40 days old (RETENTION_JOBS_DAYS is 30), one recent.
    const [agedJob, recentJob] = enrolledJobIds;
    await db().query(
      `UPDATE jobs SET created_at = now() - interval '40 days', finished_at = now() - interval '40 days' WHERE id = $1`,
      [agedJob],
    );

    // Two webhook delivery log entries, one 40 days old (RETENTION_WEBHOOK_DELIVERIES_DAYS is 30).
    const webhook = expectStatus(
      await context.sut
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(admin))
        .send({ url: 'https://hooks.example.com/facegate', events: ['camera.status'] }),
      201,
    );
    const deliveries = await db().query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (organization_id, webhook_id, event_id, event_type, attempt, status_code,
         success, duration_ms, created_at)
       SELECT $1, $2, gen_random_uuid(), 'camera.status', 1, 200, true, 12, at
       FROM unnest(ARRAY[now() - interval '40 days', now()]) AS at ORDER BY at RETURNING id`,
      [organizationId, webhook.id],
    );
    const [agedDelivery, recentDelivery] = deliveries.map((row) => row.id);

    const accepted = expectStatus(await maintain(admin, {}), 202);
    assert.equal(accepted.type, 'system.maintenance');
    const again = expectStatus(await maintain(admin, {}), 202);
    const result = await finished(String(accepted.id));
    assert.ok(again.id === accepted.id || (await finished(String(again.id))).deleted.audit_logs === 0);
    assert.deepEqual(result.deleted, { audit_logs: 2, unknown_snapshots: 2, jobs: 1, webhook_deliveries: 1 });
    assert.equal(result.organizations, 1);

    const ids = async (table: string, list: string[]) =>
      (await db().query<{ id: string }[]>(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [list])).map(
        (row) => row.id,
      );
    assert.deepEqual(await ids('audit_logs', agedAudits), []);
    assert.equal(
      (
        await ids(
          'audit_logs',
          audits.slice(2).map((row) => row.id),
        )
      ).length,
      audits.length - 2,
    );
    assert.deepEqual(await ids('audit_logs', [otherAudit.id]), [otherAudit.id]);
    assert.deepEqual(await ids('jobs', [agedJob]), []);
    assert.deepEqual(await ids('jobs', [recentJob]), [recentJob]);
    assert.deepEqual(await ids('webhook_deliveries', [agedDelivery, recentDelivery]), [recentDelivery]);
    assert.deepEqual(await snapshotFiles(oldFace.event_id), []);
    assert.deepEqual(await ids('presence_events', [oldFace.event_id]), [oldFace.event_id]);
    assert.equal(oldFiles.some(onDisk), false);
    assert.deepEqual(await snapshotFiles(newFace.event_id), newFiles);
    assert.ok(newFiles.every(onDisk));

    const [audited] = await db().query<{ user_id: string; new_values: { deleted: Json } }[]>(
      `SELECT user_id, new_values FROM audit_logs WHERE organization_id = $1 AND action = 'system.maintenance' ORDER BY created_at LIMIT 1`,
      [organizationId],
    );
    assert.equal(audited.user_id, admin.user.id);
    assert.deepEqual(audited.new_values.deleted, {
      audit_logs: 2,
      unknown_snapshots: 2,
      jobs: 1,
      webhook_deliveries: 1,
    });
  });

  it('runs only the tasks asked for, with older_than_days instead of the configured retention', async () => {
    const [row] = await db().query<{ id: string }[]>(
      `SELECT id FROM audit_logs WHERE organization_id = $1 ORDER BY created_at LIMIT 1`,
      [organizationId],
    );
    await db().query(`UPDATE audit_logs SET created_at = now() - interval '3 days' WHERE id = $1`, [row.id]);
    const [recentJob] = enrolledJobIds.slice(1);
    await db().query(`UPDATE jobs SET finished_at = now() - interval '3 days' WHERE id = $1`, [recentJob]);
    const job = expectStatus(await maintain(admin, { tasks: ['audit_logs'], older_than_days: 2 }), 202);
    const result = await finished(String(job.id));
    assert.deepEqual(result.deleted, { audit_logs: 1, unknown_snapshots: 0, jobs: 0, webhook_deliveries: 0 });
    assert.equal((await db().query(`SELECT id FROM jobs WHERE id = $1`, [recentJob])).length, 1);
  });

  it('queues the daily run over every organisation once a day', async () => {
    const scheduler = context.sut.app.get(MaintenanceScheduler);
    const day = new Date(Date.now() + 5 * DAY_MS);
    const jobId = await scheduler.tick(day);
    assert.ok(jobId);
    assert.equal(await scheduler.tick(day), null);
    const result = await finished(jobId);
    const [{ count }] = await db().query<{ count: number }[]>(`SELECT count(*)::int AS count FROM organizations`);
    assert.equal(result.organizations, count);
  });
});
