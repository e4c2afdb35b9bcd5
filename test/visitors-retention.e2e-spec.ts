import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { JobQueue } from '../src/jobs/job-queue.js';
import { VisitorRetention } from '../src/visitors/visitor-retention.js';
import { VisitorRetentionScheduler } from '../src/visitors/visitor-retention.scheduler.js';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { facePath } from './support/shared-data.js';
import { filesOnDisk } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const photo = (...parts: string[]) => readFileSync(facePath(...parts));
const DAY_MS = 86_400_000;

/** Retention of visitors' faces (VISITOR_RETENTION_DAYS=1 here), and re-embedding after a model change. */
describe('visitor retention', () => {
  const context = useTestApp({ VISITOR_RETENTION_DAYS: '1' });
  const { send } = apiCalls(() => context.sut);
  const db = () => context.sut.app.get(DataSource);

  async function registerWithPhoto(session: Session, idNumber: string, name: string, parts: string[]): Promise<string> {
    const visitor = expectStatus(
      await send(session, 'post', '/visitors', { id_number: idNumber, full_name: name }),
      201,
    );
    const id = String(visitor.id);
    const response = await context.sut
      .http()
      .post(`/api/v1/visitors/${id}/photos`)
      .set({ Authorization: `Bearer ${session.access_token}` })
      .attach('front', photo(...parts), parts.at(-1));
    assert.equal(expectStatus(response, 201, 'photos').added_vectors, 1);
    return id;
  }

  /** Moves everything the visitor did (creation, visits, photos) `days` back in time, as if it had happened then. */
  async function age(visitorId: string, days: number): Promise<void> {
    const shift = `make_interval(days => ${days})`;
    await db().query(
      `UPDATE visitors SET created_at = created_at - ${shift}, last_visit_at = last_visit_at - ${shift} WHERE id = $1`,
      [visitorId],
    );
    await db().query(`UPDATE visitor_faces SET created_at = created_at - ${shift} WHERE visitor_id = $1`, [visitorId]);
    await db().query(
      `UPDATE visits SET created_at = created_at - ${shift}, checked_in_at = checked_in_at - ${shift},
         checked_out_at = checked_out_at - ${shift} WHERE visitor_id = $1`,
      [visitorId],
    );
  }

  const identifyVisitor = (session: Session, ...parts: string[]) =>
    context.sut
      .http()
      .post('/api/v1/visitors/identify')
      .set({ Authorization: `Bearer ${session.access_token}` })
      .attach('image', photo(...parts), parts.at(-1));

  /** Runs the scheduler's tick as the timer would, and waits for the jobs it queued; the organisation's result. */
  async function runScheduled(organizationId: string, now = new Date()): Promise<Json | null> {
    const jobs = context.sut.app.get(JobQueue);
    let mine: Json | null = null;
    for (const id of await context.sut.app.get(VisitorRetentionScheduler).tick(now)) {
      const job = await jobs.waitFor(id, 60_000);
      assert.equal(job.status, 'completed', JSON.stringify(job.error));
      if (job.organizationId === organizationId) mine = job.result;
    }
    return mine;
  }

  it('erases the faces, photos and index entries of visitors gone longer than the retention, once', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const filesBefore = filesOnDisk(context.sut).length;

    // Biden came three days ago and left; Obama registered today; Kit came three days ago and is still on site.
    const biden = await registerWithPhoto(operator, '900011112222', 'Joe Biden', [
      'knn',
      'train',
      'biden',
      'biden.jpg',
    ]);
    const visit = expectStatus(await send(operator, 'post', '/visits', { visitor_id: biden }), 201);
    expectStatus(await send(operator, 'post', `/visits/${String(visit.id)}/check-out`), 200);
    const obama = await registerWithPhoto(operator, '900033334444', 'Barack Obama', [
      'knn',
      'train',
      'obama',
      'obama.jpg',
    ]);
    const kit = await registerWithPhoto(operator, '900055556666', 'Kit Harington', [
      'knn',
      'train',
      'kit_harington',
      'john1.jpeg',
    ]);
    expectStatus(await send(operator, 'post', '/visits', { visitor_id: kit }), 201);
    await age(biden, 3);
    await age(kit, 3);
    assert.equal(filesOnDisk(context.sut).length, filesBefore + 6, 'a photo and a thumbnail each');
    const [bidenFace] = await db().query<{ photo_id: string }[]>(
      'SELECT photo_id FROM visitor_faces WHERE visitor_id = $1',
      [biden],
    );

    const result = await runScheduled(organizationId);
    assert.ok(result, 'the organisation had a run queued');
    assert.equal(result.retention_days, 1);
    assert.deepEqual([result.erased_visitors, result.erased_templates], [1, 1]);

    const erased = expectStatus(await send(operator, 'get', `/visitors/${biden}`), 200);
    assert.equal(erased.full_name, 'Joe Biden', 'the visitor row stays');
    assert.equal(erased.face_templates, 0);
    assert.equal(typeof erased.faces_erased_at, 'string');
    assert.ok(Date.now() - Date.parse(erased.faces_erased_at as string) < 60_000, 'erased just now');
    const [faces] = await db().query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM visitor_faces WHERE visitor_id = $1',
      [biden],
    );
    assert.equal(faces.count, 0, 'no template is left');
    assert.equal(filesOnDisk(context.sut).length, filesBefore + 4, "Biden's photo and thumbnail files are gone");
    expectError(await send(operator, 'get', `/files/${bidenFace.photo_id}`), 404, 'not_found');
    expectError(await send(operator, 'get', `/visitors/${biden}/latest-image`), 404, 'not_found');
    const lookup = expectStatus(await send(operator, 'get', '/visitors/by-id-number/900011112222'), 200);
    assert.deepEqual([lookup.exists, lookup.images], [true, {}]);
    const visits = expectStatus(await send(operator, 'get', `/visits?visitor_id=${biden}`), 200);
    assert.equal(visits.count, 1, 'the visit history stays');

    const again = expectStatus(await identifyVisitor(operator, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(again.match, null, 'the desk no longer recognises the erased visitor');
    for (const [id, parts] of [
      [obama, ['knn', 'test', 'obama1.jpg']],
      [kit, ['knn', 'train', 'kit_harington', 'john2.jpeg']],
    ] as const) {
      const found = expectStatus(await identifyVisitor(operator, ...parts), 200);
      assert.equal(((found.match as Json | null)?.visitor as Json | undefined)?.id, id, `${id} keeps their faces`);
    }

    const audit = expectStatus(
      await send(admin, 'get', `/audit-logs?action=visitor.faces_erased&entity_id=${biden}`),
      200,
    );
    assert.equal(audit.count, 1);
    const entry = (audit.results as Json[])[0];
    assert.equal(entry.user_id, null, 'erased by the job, not by a user');
    assert.deepEqual((entry.new_values as Json).face_templates_erased, 1);

    const stats = expectStatus(await send(operator, 'get', '/visitors/stats'), 200);
    assert.deepEqual(stats.visitors, { total: 3, watchlisted: 0, enrolled: 2, faces_erased: 1 });

    assert.equal(await runScheduled(organizationId), null, 'the day was queued already: no second run');
    const rerun = await context.sut.app.get(VisitorRetention).run({ organizationId, date: '2026-01-01' });
    assert.deepEqual([rerun.erased_visitors, rerun.erased_templates], [0, 0], 'idempotent');
    const nextDay = await runScheduled(organizationId, new Date(Date.now() + DAY_MS));
    assert.deepEqual([nextDay?.erased_visitors, nextDay?.erased_templates], [0, 0], 'the next day runs again');

    // Kit leaves; once their last visit is older than the retention, their faces go too.
    const [open] = expectStatus(await send(operator, 'get', '/visits/on-site'), 200).results as Json[];
    expectStatus(await send(operator, 'post', `/visits/${String(open.id)}/check-out`), 200);
    await age(kit, 3);
    const later = await context.sut.app.get(VisitorRetention).run({ organizationId, date: '2026-01-02' });
    assert.equal(later.erased_visitors, 1);

    // A returning visitor gives a new photo: recognisable again, no longer counted as erased.
    await context.sut
      .http()
      .post(`/api/v1/visitors/${biden}/photos`)
      .set({ Authorization: `Bearer ${operator.access_token}` })
      .attach('front', photo('knn', 'train', 'biden', 'biden.jpg'), 'biden.jpg')
      .expect(201);
    const back = expectStatus(await send(operator, 'get', `/visitors/${biden}`), 200);
    assert.deepEqual([back.face_templates, back.faces_erased_at], [1, null]);
    const found = expectStatus(await identifyVisitor(operator, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(((found.match as Json).visitor as Json).id, biden);
  });

  it('keeps the faces of a visitor expected later, even when their last visit is old', async () => {
    const { organizationId, admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const biden = await registerWithPhoto(admin, '900077778888', 'Joe Biden', ['knn', 'train', 'biden', 'biden.jpg']);
    await age(biden, 5);
    const tomorrow = new Date(Date.now() + DAY_MS).toISOString();
    expectStatus(
      await send(admin, 'post', '/visits/expected', {
        visitor_id: biden,
        host_employee_id: null,
        expected_from: tomorrow,
      }),
      201,
    );
    const result = await context.sut.app.get(VisitorRetention).run({ organizationId, date: '2026-01-01' });
    assert.equal(result.erased_visitors, 0);
    assert.equal(expectStatus(await send(admin, 'get', `/visitors/${biden}`), 200).face_templates, 1);
  });

  it("re-embeds visitors' faces made by an older model, which search leaves out until then", async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const biden = await registerWithPhoto(admin, '900099990000', 'Joe Biden', ['knn', 'train', 'biden', 'biden.jpg']);
    const [current] = await db().query<{ model_version: string; embedding: string }[]>(
      `SELECT model_version, encode(embedding, 'base64') AS embedding FROM visitor_faces WHERE visitor_id = $1`,
      [biden],
    );
    await db().query(
      `UPDATE visitor_faces SET model_version = 'older', embedding = decode(repeat('00', 512), 'hex')
       WHERE visitor_id = $1`,
      [biden],
    );
    await context.sut.restart();
    const before = expectStatus(await identifyVisitor(admin, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(before.match, null, "an older model's face is not searched");

    const job = expectStatus(await send(admin, 'post', '/visitors/reindex'), 202);
    assert.equal(job.type, 'visitors.reindex');
    const done = await context.sut.app.get(JobQueue).waitFor(String(job.id), 60_000);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.deepEqual([(done.result as Json).reindexed, (done.result as Json).failed], [1, []]);

    const [after] = await db().query<{ model_version: string; embedding: string }[]>(
      `SELECT model_version, encode(embedding, 'base64') AS embedding FROM visitor_faces WHERE visitor_id = $1`,
      [biden],
    );
    assert.deepEqual(after, current, 'the same embedding as the current model made at enrollment');
    const found = expectStatus(await identifyVisitor(admin, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(((found.match as Json).visitor as Json).id, biden);
  });
});
