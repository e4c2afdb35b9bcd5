import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import sharp from 'sharp';
import { JobQueue } from '../src/jobs/job-queue.js';
import { RecognitionEngine } from '../src/recognition/recognition-engine.js';
import { PhotoStore } from '../src/storage/photo-store.js';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import { expectStatus, type Json } from './support/api-calls.js';
import { indexedTemplateOf } from './support/gallery.js';
import { pauseMethod } from './support/pause-method.js';
import { createPerson, enrollFaces, identify } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { filesOnDisk, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

const PHOTO = ['knn', 'train', 'rose_leslie', 'img1.jpg'];

/** A promise the test settles by hand, to hold the app at a known point. */
/**
 * The biometric data of a deleted person: an enrollment job queued or running when the person is deleted must store
 * nothing (or, if it saved first, have its templates erased by the deletion). Each test holds the app at one point
 * of the race with pauseMethod instead of sleeping.
 */
describe('enrollment jobs of a deleted person', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const db = () => sut.app.get(DataSource);
  const count = async (sql: string, params: unknown[] = []) => (await db().query<unknown[]>(sql, params)).length;

  const enqueue = async (person: string) =>
    expectStatus(
      await sut
        .http()
        .post(`/api/v1/employees/${person}/faces`)
        .set(bearer(admin))
        .attach('front', readFileSync(facePath(...PHOTO)), 'front.jpg'),
      202,
      'enrollment',
    );

  const deletePerson = (person: string, erase: boolean) =>
    sut
      .http()
      .delete(`/api/v1/employees/${person}${erase ? '?erase=true' : ''}`)
      .set(bearer(admin));

  const finished = async (jobId: string): Promise<Json> => {
    await sut.app.get(JobQueue).waitFor(jobId, 60_000);
    return expectStatus(await sut.http().get(`/api/v1/jobs/${jobId}`).set(bearer(admin)), 200, 'job');
  };

  /** Nothing of the person is left: rows, files (stored and staged), index entries, photo URLs. */
  const assertNothingStored = async (person: string, job: Json, before: { files: number; disk: string[] }) => {
    assert.equal(await count('SELECT 1 FROM face_templates WHERE employee_id = $1', [person]), 0, 'templates');
    assert.equal(await count('SELECT 1 FROM stored_files'), before.files, 'stored_files rows');
    assert.deepEqual(filesOnDisk(sut), before.disk, 'files under DATA_DIR (stored photos and staged uploads)');
    const accepted = ((job.result as Json | null)?.accepted ?? []) as Json[];
    assert.equal(await indexedTemplateOf(sut, admin.user.organization_id, person, PHOTO), undefined, 'index entries');
    for (const template of accepted) {
      for (const id of [template.photo_id, template.thumbnail_id]) {
        const response = await sut
          .http()
          .get(`/api/v1/files/${String(id)}`)
          .set(bearer(admin));
        assert.equal(response.status, 404, `photo ${String(id)} of a deleted person is still served`);
      }
    }
  };

  /**
   * Keeps the in-process queue (one job at a time) busy until `open()`: an enrollment of a faceless image, held
   * in its analysis, which then stores nothing.
   */
  const holdQueue = async () => {
    const paused = pauseMethod(sut.app.get(RecognitionEngine), 'analyse', { once: true });
    const blank = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const blocker = await createPerson(sut, admin, 'Blocker');
    const response = await sut
      .http()
      .post(`/api/v1/employees/${blocker}/faces`)
      .set(bearer(admin))
      .attach('front', blank, 'blank.jpg');
    const blockerJob = String(expectStatus(response, 202, 'blocker').id);
    await paused.entered;
    return { open: paused.release, finished: () => sut.app.get(JobQueue).waitFor(blockerJob, 60_000) };
  };

  const snapshot = async () => ({ files: await count('SELECT 1 FROM stored_files'), disk: filesOnDisk(sut) });

  for (const erase of [false, true]) {
    const how = erase ? 'DELETE ?erase=true' : 'DELETE (soft)';

    it(`cancels a queued enrollment of a person deleted before it starts (${how})`, async () => {
      const person = await createPerson(sut, admin, 'Queued');
      const before = await snapshot();
      const hold = await holdQueue();
      const job = await enqueue(person);
      assert.equal(job.status, 'queued');
      try {
        expectStatus(await deletePerson(person, erase), 204, 'delete');
      } finally {
        hold.open();
      }
      const done = await finished(String(job.id));
      assert.equal(done.status, 'cancelled', JSON.stringify(done));
      assert.equal((done.error as Json).error, 'person_deleted');
      assert.equal(done.result, null);
      await hold.finished(); // its staged upload goes when it ends
      await assertNothingStored(person, done, before);
      const audit = await db().query<{ new_values: Json }[]>(
        `SELECT new_values FROM audit_logs WHERE entity_id = $1 AND action = $2`,
        [person, 'employee.faces_erased'],
      );
      assert.equal(audit[0].new_values.enrollment_jobs_cancelled, 1);
    });

    it(`stores nothing when the person is deleted while the job computes embeddings (${how})`, async () => {
      const person = await createPerson(sut, admin, 'Running');
      const before = await snapshot();
      const paused = pauseMethod(sut.app.get(RecognitionEngine), 'analyse');
      try {
        const job = await enqueue(person);
        await paused.entered;
        expectStatus(await deletePerson(person, erase), 204, 'delete');
        paused.release();
        const done = await finished(String(job.id));
        assert.equal(done.status, 'cancelled', JSON.stringify(done));
        assert.equal((done.error as Json).error, 'person_deleted');
        await assertNothingStored(person, done, before);
      } finally {
        paused.restore();
      }
    });

    it(`erases what a job saved while the deletion waited for its row lock (${how})`, async () => {
      const person = await createPerson(sut, admin, 'Saving');
      const before = await snapshot();
      // Holds the enrollment inside its save transaction, after it has locked the person's row.
      const paused = pauseMethod(sut.app.get(PhotoStore), 'save');
      try {
        const job = await enqueue(person);
        await paused.entered;
        const deletion = deletePerson(person, erase).then((response) => response);
        // On PostgreSQL, watch the deletion block on the row lock before letting the save go on. Embedded PGlite
        // is one session, so there the deletion simply waits for the save's transaction to end.
        if (testDatabaseUrl) await waitForLockWait(sut);
        paused.release();
        expectStatus(await deletion, 204, 'delete');
        const done = await finished(String(job.id));
        assert.equal(done.status, 'completed', JSON.stringify(done));
        assert.equal(((done.result as Json).accepted as Json[]).length, 1);
        await assertNothingStored(person, done, before);
      } finally {
        paused.restore();
      }
    });
  }
});

describe('reindex of a deleted person', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  it('does not put back into search a template erased while it was being re-embedded', async () => {
    const person = await createPerson(sut, admin, 'Reindexed');
    const enrolled = await enrollFaces(sut, admin, person, [
      { field: 'front', bytes: readFileSync(facePath(...PHOTO)) },
    ]);
    const templateId = enrolled.accepted[0].id;
    await sut.app.get(DataSource).query(`UPDATE face_templates SET model_version = 'old' WHERE id = $1`, [templateId]);
    const paused = pauseMethod(sut.app.get(RecognitionEngine), 'analyse');
    try {
      const job = expectStatus(await sut.http().post('/api/v1/recognition/reindex').set(bearer(admin)), 202);
      await paused.entered;
      expectStatus(await sut.http().delete(`/api/v1/employees/${person}`).set(bearer(admin)), 204);
      paused.release();
      await sut.app.get(JobQueue).waitFor(String(job.id), 60_000);
      assert.equal(await indexedTemplateOf(sut, admin.user.organization_id, person, PHOTO), undefined, 'index entry');
      const search = await identify(sut, admin, PHOTO);
      assert.notEqual(search.body.faces[0].person?.id, person, 'a deleted person is never identified');
    } finally {
      paused.restore();
    }
  });
});

/** Resolves once a session of the app's database waits for a row lock (PostgreSQL only). */
async function waitForLockWait(sut: TestApp): Promise<void> {
  const db = sut.app.get(DataSource);
  for (let i = 0; i < 500; i++) {
    const waiting = await db.query<unknown[]>(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (waiting.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail('the deletion never waited for the enrollment save holding the row lock');
}
