import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobQueue } from '../src/jobs/job-queue.js';
import { bearer, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { expectError, expectStatus, type Json } from './support/api-calls.js';
import { createEnrolledPerson, createPerson, photosOf } from './support/people.js';
import { createCamera, createCameraKey, frameDetections, storedEvent } from './support/presence-cameras.js';
import { sharedModelsDir } from './support/shared-data.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

function review(sut: TestApp, session: Session, id: string, body: object) {
  return sut.http().patch(`/api/v1/presence-events/${id}`).set(bearer(session)).send(body);
}

async function auditOf(sut: TestApp, session: Session, id: string): Promise<Json[]> {
  const query = `entity_type=presence_event&entity_id=${id}`;
  const response = await sut.http().get(`/api/v1/audit-logs?${query}`).set(bearer(session));
  return expectStatus(response, 200, 'audit').results as Json[];
}

describe('reviewing presence events', () => {
  const context = useTestApp({ MODELS_DIR: sharedModelsDir });

  async function site() {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const camera = await createCamera(sut, organizationId);
    const key = await createCameraKey(sut, camera);
    return { organizationId, admin, camera, key };
  }

  it('approves and rejects events, with the reviewer, the note and an audit entry', async () => {
    const { sut } = context;
    const { admin, camera, key } = await site();
    const [stranger] = await frameDetections(sut, camera.id, key, ['deepface', 'img1.jpg'], 201);

    const approved = expectStatus(
      await review(sut, admin, stranger.event_id, { action: 'approve', note: 'a visitor, let in' }),
      200,
    );
    assert.equal(approved.review_status, 'approved');
    assert.equal(approved.reviewed_by, admin.user.id);
    assert.equal(approved.review_note, 'a visitor, let in');
    assert.equal(approved.is_unknown_face, true, 'approving does not say who it is');
    assert.equal(approved.enrollment, null);
    const rejected = expectStatus(await review(sut, admin, stranger.event_id, { action: 'reject' }), 200);
    assert.equal(rejected.review_status, 'rejected');
    assert.equal(rejected.review_note, 'a visitor, let in', 'the note stays unless a new one is given');

    const entries = await auditOf(sut, admin, stranger.event_id);
    assert.deepEqual(entries.map((entry) => entry.action).sort(), [
      'presence_event.approved',
      'presence_event.rejected',
    ]);
    const approval = entries.find((entry) => entry.action === 'presence_event.approved')!;
    assert.deepEqual(
      [(approval.old_values as Json).review_status, (approval.new_values as Json).review_status],
      ['pending', 'approved'],
    );
  });

  it('refuses reviews that do not add up', async () => {
    const { sut, superAdmin } = context;
    const { admin, camera, key } = await site();
    const [stranger] = await frameDetections(sut, camera.id, key, ['deepface', 'img1.jpg'], 201);
    const other = await createOrganizationWithAdmin(sut, superAdmin);
    const outsider = await createPerson(sut, other.admin);
    const cases: [string, object, string][] = [
      ['an unknown action', { action: 'delete' }, 'action'],
      ['assign without a person', { action: 'assign' }, 'employee_id'],
      ['a person with approve', { action: 'approve', employee_id: outsider }, 'employee_id'],
      ['a person of another organisation', { action: 'assign', employee_id: outsider }, 'employee_id'],
      [
        'add_template that is no boolean',
        { action: 'assign', employee_id: outsider, add_template: 'yes' },
        'add_template',
      ],
    ];
    for (const [what, body, field] of cases) {
      const fields = expectError(await review(sut, admin, stranger.event_id, body), 400, 'validation_error', what);
      assert.ok(fields.includes(field), `${what}: ${fields.join(', ')}`);
    }
    const row = await storedEvent(sut, stranger.event_id);
    assert.deepEqual([row.review_status, row.employee_id], ['pending', null], 'nothing changed');
  });

  it('assigns an unknown face to a person, enrolls its snapshot, and the next frame names them', async () => {
    const { sut } = context;
    const { admin, camera, key } = await site();
    await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'));
    const biden = await createPerson(sut, admin, 'Joe');
    const [stranger] = await frameDetections(sut, camera.id, key, ['knn', 'train', 'biden', 'biden2.jpg'], 201);
    assert.equal(stranger.matched, false, 'Biden is enrolled nowhere yet');

    const assigned = expectStatus(
      await review(sut, admin, stranger.event_id, { action: 'assign', employee_id: biden, add_template: true }),
      200,
    );
    assert.equal(assigned.employee_id, biden);
    assert.equal(assigned.is_unknown_face, false);
    assert.equal(assigned.review_status, 'approved');
    assert.equal((assigned.person as Json).id, biden);
    const enrollment = assigned.enrollment as { job_id: string };
    const row = await storedEvent(sut, stranger.event_id);
    assert.equal(row.has_embedding, false, 'the stranger’s embedding goes once it has a name');

    await sut.app.get(JobQueue).waitFor(enrollment.job_id, 60_000);
    const job = expectStatus(await sut.http().get(`/api/v1/jobs/${enrollment.job_id}`).set(bearer(admin)), 200);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal((job.result as { accepted: unknown[] }).accepted.length, 1, JSON.stringify(job.result));
    const faces = expectStatus(await sut.http().get(`/api/v1/employees/${biden}/faces`).set(bearer(admin)), 200);
    assert.equal((faces as unknown as { count: number }).count, 1);

    const [next] = await frameDetections(sut, camera.id, key, ['knn', 'train', 'biden', 'biden.jpg'], 200);
    assert.equal(next.person_id, biden, 'the enrolled snapshot identifies him');
    assert.equal(next.event_id, stranger.event_id, 'and the frame counts into his assigned event');

    const [entry] = await auditOf(sut, admin, stranger.event_id);
    assert.equal(entry.action, 'presence_event.assigned');
    assert.deepEqual((entry.new_values as Json).add_template, true);
  });

  it('lists events with filters, ordering and paging', async () => {
    const { sut } = context;
    const { organizationId, admin, camera, key } = await site();
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'));
    const second = await createCamera(sut, organizationId);
    const secondKey = await createCameraKey(sut, second);
    const [known] = await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], 201);
    const [unknown] = await frameDetections(sut, camera.id, key, ['deepface', 'img1.jpg'], 201);
    const old = new Date(Date.now() - 3 * 3600_000).toISOString();
    const [elsewhere] = await frameDetections(sut, second.id, secondKey, ['knn', 'test', 'obama1.jpg'], 201, {
      frameTime: old,
    });
    await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], 200);

    const ids = async (query: string) => {
      const response = await sut.http().get(`/api/v1/presence-events${query}`).set(bearer(admin));
      return (expectStatus(response, 200, query).results as { id: string }[]).map((event) => event.id);
    };
    assert.deepEqual(await ids(''), [unknown.event_id, known.event_id, elsewhere.event_id], 'newest first');
    assert.deepEqual(await ids('?ordering=occurred_at'), [elsewhere.event_id, known.event_id, unknown.event_id]);
    assert.deepEqual(await ids('?ordering=-seen_count&page_size=1'), [known.event_id]);
    assert.deepEqual(await ids(`?camera_id=${second.id}`), [elsewhere.event_id]);
    assert.deepEqual(await ids(`?employee_id=${obama.id}`), [known.event_id, elsewhere.event_id]);
    assert.deepEqual(await ids('?is_unknown_face=true'), [unknown.event_id]);
    assert.deepEqual(await ids('?review_status=pending'), [unknown.event_id]);
    assert.deepEqual(await ids('?is_anomaly=true'), []);
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    assert.deepEqual(await ids(`?date_to=${encodeURIComponent(hourAgo)}`), [elsewhere.event_id]);
    assert.deepEqual(await ids(`?date_from=${encodeURIComponent(hourAgo)}`), [unknown.event_id, known.event_id]);
    const page = await sut.http().get('/api/v1/presence-events?page_size=2').set(bearer(admin));
    assert.equal(page.body.count, 3);
    assert.match(page.body.next, /page=2/);
    expectError(
      await sut.http().get('/api/v1/presence-events?ordering=name').set(bearer(admin)),
      400,
      'validation_error',
    );

    const detail = expectStatus(
      await sut.http().get(`/api/v1/presence-events/${known.event_id}`).set(bearer(admin)),
      200,
    );
    assert.equal((detail.person as Json).id, obama.id);
    assert.equal(detail.seen_count, 2);
    assert.match(String(detail.snapshot_url), /^\/api\/v1\/files\//);
    const snapshot = await sut.http().get(String(detail.snapshot_url)).set(bearer(admin));
    assert.equal(snapshot.status, 200);
    assert.equal(snapshot.headers['content-type'], 'image/jpeg');
  });
});
