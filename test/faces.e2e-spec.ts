import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { bearer, createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { indexedTemplateOf } from './support/gallery.js';
import { createPerson, enrollFaces, enrollPhotos, identify, photosOf } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { filesOnDisk, startTestApp, type TestApp } from './support/test-app.js';

const KNN_PEOPLE = ['alex_lacamoire', 'biden', 'kit_harington', 'obama', 'rose_leslie'];

describe('face enrollment and identification', () => {
  let sut: TestApp;
  let admin: Session;
  const people = new Map<string, string>();

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
    for (const name of KNN_PEOPLE) people.set(name, await createPerson(sut, admin, name));
  });
  after(() => sut.close());

  const count = async (table: string) =>
    Number((await sut.app.get(DataSource).query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('enrolls the five people of knn/train, storing photos, thumbnails and templates', async () => {
    for (const name of KNN_PEOPLE) {
      const response = await enrollPhotos(sut, admin, people.get(name)!, photosOf('knn', 'train', name));
      assert.equal(response.status, 201, `${name}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.rejected.length, 0, `${name}: ${JSON.stringify(response.body.rejected)}`);
      assert.equal(response.body.accepted.length, photosOf('knn', 'train', name).length);
      assert.equal(response.body.accepted[0].is_primary, true);
      assert.equal(response.body.accepted[0].embedding, undefined, 'embeddings never leave the service');
    }
    const list = await sut
      .http()
      .get(`/api/v1/employees/${people.get('biden')}/faces`)
      .set(bearer(admin));
    assert.equal(list.status, 200);
    assert.equal(list.body.count, 2);
    assert.equal(list.body.results.length, 2);
    const photo = await sut.http().get(`/api/v1/files/${list.body.results[0].thumbnail_id}`).set(bearer(admin));
    assert.equal(photo.status, 200);
    assert.equal(photo.headers['content-type'], 'image/jpeg');
    assert.equal(
      (await sut.http().get(`/api/v1/files/${list.body.results[0].photo_id}`)).status,
      401,
      'photos need a token',
    );
    assert.equal(await count('face_templates'), 9);
    assert.equal(await count('stored_files'), 18);
  });

  it('identifies both people in obama_and_biden.jpg and in kit_with_rose.jpg, and not the girl beside them', async () => {
    const pair = await identify(sut, admin, ['knn', 'test', 'obama_and_biden.jpg']);
    assert.equal(pair.status, 200, JSON.stringify(pair.body));
    type Face = { recognized: boolean; person: { id: string } | null; reason: string | null; bbox: number[] };
    // Left to right: Biden, Obama, and a girl at the bottom right corner, who is enrolled nowhere.
    const [left, middle, stranger, ...more] = [...(pair.body.faces as Face[])].sort((a, b) => a.bbox[0] - b.bbox[0]);
    assert.deepEqual(more, [], 'three faces');
    assert.deepEqual(
      [left.person?.id, middle.person?.id],
      [people.get('biden'), people.get('obama')],
      JSON.stringify(pair.body.faces),
    );
    assert.deepEqual([stranger.recognized, stranger.person], [false, null]);
    assert.equal(stranger.reason, 'below_threshold', 'her nearest enrolled face (Obama) is too far');
    assert.deepEqual([pair.body.faces_detected, pair.body.summary.recognized], [3, 2]);

    const couple = await identify(sut, admin, ['knn', 'test', 'kit_with_rose.jpg']);
    const coupleNames = couple.body.faces
      .filter((face: { recognized: boolean }) => face.recognized)
      .map((face: { person: { id: string } }) => face.person.id);
    assert.deepEqual(new Set(coupleNames), new Set([people.get('kit_harington'), people.get('rose_leslie')]));
    const first = couple.body.faces[0];
    assert.ok(first.similarity > 0 && first.confidence > 0.5);
    assert.ok(first.top_matches.length >= 1 && first.top_matches.length <= 3);
  });

  it('verifies a photo against an enrolled person (employee_id instead of image_b)', async () => {
    const verify = (personId: string, parts: string[]) =>
      sut
        .http()
        .post('/api/v1/recognition/verify')
        .set(bearer(admin))
        .field('employee_id', personId)
        .attach('image_a', readFileSync(facePath(...parts)), 'a.jpg');
    const same = await verify(people.get('obama')!, ['knn', 'test', 'obama1.jpg']);
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body.match, true);
    assert.equal(same.body.employee_id, people.get('obama'));
    assert.equal(same.body.faces.b, null);
    const other = await verify(people.get('biden')!, ['knn', 'test', 'obama1.jpg']);
    assert.equal(other.body.match, false);
    const unknown = await verify('00000000-0000-4000-8000-000000000000', ['knn', 'test', 'obama1.jpg']);
    assert.equal(unknown.status, 404);
    const notEnrolled = await verify(await createPerson(sut, admin, 'Nobody'), ['knn', 'test', 'obama1.jpg']);
    assert.equal(notEnrolled.status, 422);
    assert.equal(notEnrolled.body.error, 'not_enrolled');
  });

  it('says an unenrolled face is not recognised, with a reason', async () => {
    const response = await identify(sut, admin, ['deepface', 'img1.jpg']);
    assert.equal(response.status, 200);
    assert.ok(response.body.faces_detected >= 1);
    assert.equal(response.body.faces[0].recognized, false);
    assert.equal(response.body.faces[0].person, null);
    assert.equal(response.body.faces[0].reason, 'below_threshold');
  });

  it('names no face under IDENTIFY_MIN_FACE_SIZE (too_small), still listing its nearest people as hints', async () => {
    const path = facePath('knn', 'test', 'obama1.jpg');
    const detected = await sut.http().post('/api/v1/recognition/detect').set(bearer(admin)).attach('image', path);
    const [x1, , x2] = detected.body.faces[0].bbox as number[];
    const { width = 0 } = await sharp(path).metadata();
    // The face about 30 px wide: under the 40 px default.
    const small = await sharp(path)
      .resize(Math.round((width * 30) / (x2 - x1)))
      .jpeg({ quality: 95 })
      .toBuffer();
    const response = await sut
      .http()
      .post('/api/v1/recognition/identify')
      .set(bearer(admin))
      .attach('image', small, 'small.jpg');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const [face, ...others] = response.body.faces;
    assert.deepEqual(others, []);
    assert.ok(face.quality.face_size < 40, `face size ${face.quality.face_size}`);
    assert.deepEqual([face.recognized, face.person, face.reason], [false, null, 'too_small']);
    assert.ok(face.top_matches.length >= 1, 'the nearest people stay as hints');
    assert.equal(response.body.summary.recognized, 0);
  });

  it('checks liveness only when asked', async () => {
    const plain = await identify(sut, admin, ['knn', 'test', 'obama1.jpg']);
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.faces[0].liveness, undefined, 'no liveness unless asked');
    const checked = await identify(sut, admin, ['knn', 'test', 'obama1.jpg'], { check_liveness: 'true' });
    assert.equal(checked.status, 200, JSON.stringify(checked.body));
    assert.equal(checked.body.faces[0].person.id, people.get('obama'));
    assert.equal(typeof checked.body.faces[0].liveness?.is_live, 'boolean', JSON.stringify(checked.body.faces[0]));
    const wrong = await identify(sut, admin, ['knn', 'test', 'obama1.jpg'], { check_liveness: 'maybe' });
    assert.equal(wrong.status, 400);
  });

  it('filters by department and kind', async () => {
    const student = await sut
      .http()
      .get(`/api/v1/employees/${people.get('obama')}`)
      .set(bearer(admin));
    assert.equal(student.status, 200);
    const response = await identify(sut, admin, ['knn', 'test', 'obama1.jpg'], { kind: 'student' });
    assert.equal(response.body.faces[0].recognized, false, 'obama is an employee, not a student');
    const asEmployee = await identify(sut, admin, ['knn', 'test', 'obama1.jpg'], { kind: 'employee' });
    assert.equal(asEmployee.body.faces[0].person.id, people.get('obama'));
  });

  it('refuses bad uploads with the documented errors and keeps no rows or files', async () => {
    const person = await createPerson(sut, admin, 'Failing');
    const before = { templates: await count('face_templates'), files: await count('stored_files') };
    const filesBefore = filesOnDisk(sut).length;
    const text = await sut
      .http()
      .post(`/api/v1/employees/${person}/faces?wait=true`)
      .set(bearer(admin))
      .attach('front', Buffer.from('not an image'), 'x.jpg');
    assert.equal(text.status, 415);
    assert.equal(text.body.details.field, 'front');
    const two = await enrollPhotos(sut, admin, person, [['knn', 'test', 'obama_and_biden.jpg']]);
    assert.equal(two.status, 422);
    assert.equal(two.body.error, 'multiple_faces');
    const none = await enrollPhotos(sut, admin, person, [['dlib', 'faces', 'dogs.jpg']]);
    assert.equal(none.status, 422);
    assert.equal(none.body.error, 'no_face_detected');
    const mixed = await sut
      .http()
      .post(`/api/v1/employees/${person}/faces?wait=true`)
      .set(bearer(admin))
      .field('all_or_nothing', 'true')
      .attach('front', readFileSync(facePath('deepface', 'img2.jpg')), 'a.jpg')
      .attach('left', readFileSync(facePath('dlib', 'faces', 'dogs.jpg')), 'b.jpg');
    assert.equal(mixed.status, 422);
    assert.equal(mixed.body.details.rejected[0].photo, 'left');
    const tooMany = await enrollPhotos(
      sut,
      admin,
      person,
      Array.from({ length: 11 }, () => ['knn', 'test', 'obama1.jpg']),
    );
    assert.equal(tooMany.status, 400);
    assert.deepEqual({ templates: await count('face_templates'), files: await count('stored_files') }, before);
    assert.equal(filesOnDisk(sut).length, filesBefore, 'no staged or stored file is left behind');
  });

  it('answers 202 with a job, and the job reports the result', async () => {
    const person = await createPerson(sut, admin, 'Queued');
    const response = await sut
      .http()
      .post(`/api/v1/employees/${person}/faces`)
      .set(bearer(admin))
      .attach('front', readFileSync(facePath('deepface', 'img2.jpg')), 'a.jpg');
    assert.equal(response.status, 202);
    assert.ok(['queued', 'running'].includes(response.body.status));
    let job = response.body;
    for (let i = 0; i < 100 && job.status !== 'completed' && job.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await sut.http().get(`/api/v1/jobs/${response.body.id}`).set(bearer(admin))).body;
    }
    assert.equal(job.status, 'completed');
    assert.equal(job.result.accepted.length, 1);
    assert.ok(job.processing_time_ms >= 0);
  });

  it('keeps identification working after a restart, without re-enrolling', async () => {
    await sut.restart();
    admin = await loginAsAdmin(sut);
    const response = await identify(sut, admin, ['knn', 'test', 'obama1.jpg']);
    assert.equal(response.body.faces[0].person.id, people.get('obama'));
  });

  it("keeps organisations apart: one cannot identify the other's people", async () => {
    const { admin: other } = await createOrganizationWithAdmin(sut, admin, 'other-org');
    const response = await identify(sut, other, ['knn', 'test', 'obama1.jpg']);
    assert.equal(response.status, 200);
    assert.equal(response.body.faces[0].recognized, false);
    assert.equal(response.body.faces[0].reason, 'no_enrolled_faces');
    assert.equal(
      (
        await sut
          .http()
          .get(`/api/v1/employees/${people.get('obama')}/faces`)
          .set(bearer(other))
      ).status,
      404,
    );
  });

  it('deletes one template: its photo files go and it stops matching', async () => {
    const list = await sut
      .http()
      .get(`/api/v1/employees/${people.get('alex_lacamoire')}/faces`)
      .set(bearer(admin));
    const [template] = list.body.results;
    const removed = await sut
      .http()
      .delete(`/api/v1/employees/${people.get('alex_lacamoire')}/faces/${template.id}`)
      .set(bearer(admin));
    assert.equal(removed.status, 204);
    for (const photo of photosOf('knn', 'train', 'alex_lacamoire')) {
      const left = await indexedTemplateOf(sut, admin.user.organization_id, people.get('alex_lacamoire')!, photo);
      assert.notEqual(left?.templateId, template.id, 'the deleted template is still searchable');
    }
    assert.equal((await sut.http().get(`/api/v1/files/${template.photo_id}`).set(bearer(admin))).status, 404);
    const after = await identify(sut, admin, ['knn', 'test', 'alex_lacamoire1.jpg']);
    assert.equal(after.body.faces[0].recognized, false);
  });

  it('re-embeds templates of an older model version from their photos, and only then matches them', async () => {
    await sut.app
      .get(DataSource)
      .query(`UPDATE face_templates SET model_version = 'old' WHERE employee_id = $1`, [people.get('biden')]);
    await sut.restart();
    admin = await loginAsAdmin(sut);
    const mixed = await identify(sut, admin, ['knn', 'train', 'biden', 'biden.jpg']);
    assert.notEqual(mixed.body.faces[0].person?.id, people.get('biden'), 'old-model templates are not searched');
    const started = await sut.http().post('/api/v1/recognition/reindex').set(bearer(admin));
    assert.equal(started.status, 202);
    let job = started.body;
    for (let i = 0; i < 100 && job.status !== 'completed' && job.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await sut.http().get(`/api/v1/jobs/${started.body.id}`).set(bearer(admin))).body;
    }
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal(job.result.reindexed, 2);
    assert.deepEqual(job.result.failed, []);
    const fixed = await identify(sut, admin, ['knn', 'train', 'biden', 'biden.jpg']);
    assert.equal(fixed.body.faces[0].person.id, people.get('biden'));
  });

  for (const erase of [false, true]) {
    it(`erases every photo, template and index entry of a deleted person${erase ? ' (erase=true: the row too)' : ''}`, async () => {
      const person = await createPerson(sut, admin, erase ? 'Erased' : 'Deleted');
      const {
        accepted: [template],
      } = await enrollFaces(sut, admin, person, [['knn', 'train', 'rose_leslie', 'img1.jpg']]);
      const files = await sut.app
        .get(DataSource)
        .query<{ storage_key: string }[]>('SELECT storage_key FROM stored_files WHERE id = ANY($1::uuid[])', [
          [template.photo_id, template.thumbnail_id],
        ]);
      assert.equal(files.length, 2);
      const storedOnDisk = () =>
        filesOnDisk(sut).filter((path) => files.some((file) => path.endsWith(file.storage_key))).length;
      assert.equal(storedOnDisk(), 2);

      const deleted = await sut
        .http()
        .delete(`/api/v1/employees/${person}${erase ? '?erase=true' : ''}`)
        .set(bearer(admin));
      assert.equal(deleted.status, 204);
      const db = sut.app.get(DataSource);
      const rows = async (sql: string) => (await db.query<unknown[]>(sql, [person])).length;
      assert.equal(await rows('SELECT 1 FROM face_templates WHERE employee_id = $1'), 0);
      assert.equal(
        (
          await db.query<unknown[]>('SELECT 1 FROM stored_files WHERE id = ANY($1::uuid[])', [
            [template.photo_id, template.thumbnail_id],
          ])
        ).length,
        0,
      );
      assert.equal(storedOnDisk(), 0);
      const photo = ['knn', 'train', 'rose_leslie', 'img1.jpg'];
      assert.equal(await indexedTemplateOf(sut, admin.user.organization_id, person, photo), undefined, 'index entry');
      assert.equal(await rows('SELECT 1 FROM employees WHERE id = $1'), erase ? 0 : 1);
      assert.equal((await sut.http().get(`/api/v1/employees/${person}`).set(bearer(admin))).status, 404);
    });
  }
});
