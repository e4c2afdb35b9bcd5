import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bearer, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { expectError, expectStatus, type Json } from './support/api-calls.js';
import { createEnrolledPerson, createPerson, photosOf } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { filesOnDisk, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const photo = (...parts: string[]) => readFileSync(facePath(...parts));

function createTask(sut: TestApp, session: Session, fields: Record<string, string>, images: Record<string, Buffer>) {
  let request = sut.http().post('/api/v1/recognition/tasks').set(bearer(session));
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  for (const [name, bytes] of Object.entries(images)) request = request.attach(name, bytes, `${name}.jpg`);
  return request;
}

/** Polls the task until it has finished (or 60 s have passed) and returns its last state. */
async function finished(sut: TestApp, session: Session, id: string): Promise<Json> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const task = expectStatus(await sut.http().get(`/api/v1/recognition/tasks/${id}`).set(bearer(session)), 200);
    if (!['queued', 'running'].includes(String(task.status)) || Date.now() > deadline) return task;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('recognition tasks and bulk recognition', () => {
  // The optional pack: its liveness models answer check_liveness.
  const context = useTestApp({ MODELS_DIR: sharedModelsDir });

  async function organisationWithObama() {
    const { sut, superAdmin } = context;
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'));
    return { admin, obama };
  }

  it('queues an identify task and answers its result when done, removing its staged image', async () => {
    const { sut } = context;
    const { admin, obama } = await organisationWithObama();
    const response = await createTask(
      sut,
      admin,
      { kind: 'identify', top_k: '2' },
      { image: photo('knn', 'test', 'obama1.jpg') },
    );
    const queued = expectStatus(response, 202);
    assert.equal(queued.status, 'queued');
    assert.equal(typeof queued.task_id, 'string');

    const task = await finished(sut, admin, String(queued.task_id));
    assert.equal(task.status, 'completed', JSON.stringify(task));
    assert.equal(task.kind, 'identify');
    assert.equal(task.error, null);
    const result = task.result as { faces: { person: { id: string } | null; top_matches: unknown[] }[] };
    assert.equal(result.faces[0].person?.id, obama.id);
    assert.ok(result.faces[0].top_matches.length <= 2);
    assert.deepEqual(
      filesOnDisk(sut).filter((path) => path.endsWith('.staged')),
      [],
      'staged image removed',
    );
  });

  it('takes identify options as POST /recognition/identify does, check_liveness and min_face_size included', async () => {
    const { sut } = context;
    const { admin, obama } = await organisationWithObama();
    const image = { image: photo('knn', 'test', 'obama1.jpg') };
    const run = async (fields: Record<string, string>) => {
      const queued = expectStatus(await createTask(sut, admin, { kind: 'identify', ...fields }, image), 202);
      const task = await finished(sut, admin, String(queued.task_id));
      assert.equal(task.status, 'completed', JSON.stringify(task));
      return (task.result as { faces: { person: { id: string }; liveness?: { is_live: boolean } }[] }).faces;
    };
    const [checked] = await run({ check_liveness: 'true' });
    assert.equal(checked.person.id, obama.id);
    assert.equal(typeof checked.liveness?.is_live, 'boolean', JSON.stringify(checked));
    // obama1's face is about 430 px: looked for from 600 px on, there is none.
    assert.deepEqual(await run({ min_face_size: '600' }), []);
    for (const fields of [{ check_liveness: 'maybe' }, { min_face_size: '10' }] as Record<string, string>[]) {
      expectError(await createTask(sut, admin, { kind: 'identify', ...fields }, image), 400, 'validation_error');
    }
  });

  it('verifies against an enrolled person or a second image, and fails with the verify error', async () => {
    const { sut } = context;
    const { admin, obama } = await organisationWithObama();
    const against = await createTask(
      sut,
      admin,
      { kind: 'verify', employee_id: obama.id },
      {
        image_a: photo('knn', 'test', 'obama1.jpg'),
      },
    );
    const person = await finished(sut, admin, String(expectStatus(against, 202).task_id));
    assert.deepEqual(
      [person.status, (person.result as Json).match, (person.result as Json).employee_id],
      ['completed', true, obama.id],
    );

    const pair = await createTask(
      sut,
      admin,
      { kind: 'verify' },
      {
        image_a: photo('knn', 'test', 'obama1.jpg'),
        image_b: photo('knn', 'train', 'biden', 'biden2.jpg'),
      },
    );
    const images = await finished(sut, admin, String(expectStatus(pair, 202).task_id));
    assert.deepEqual([images.status, (images.result as Json).match], ['completed', false]);

    const noFace = await createTask(
      sut,
      admin,
      { kind: 'verify' },
      {
        image_a: photo('dlib', 'faces', 'dogs.jpg'),
        image_b: photo('knn', 'test', 'obama1.jpg'),
      },
    );
    const failed = await finished(sut, admin, String(expectStatus(noFace, 202).task_id));
    assert.equal(failed.status, 'failed');
    assert.deepEqual(
      [(failed.error as Json).error, ((failed.error as Json).details as Json).field],
      ['no_face_detected', 'image_a'],
    );
    assert.equal(failed.result, null);
  });

  it('refuses tasks that cannot run before queuing them', async () => {
    const { sut } = context;
    const { admin, obama } = await organisationWithObama();
    const jpeg = photo('knn', 'test', 'obama1.jpg');
    const bad: [string, Record<string, string>, Record<string, Buffer>, number, string][] = [
      ['no kind', {}, { image: jpeg }, 400, 'validation_error'],
      ['an unknown kind', { kind: 'guess' }, { image: jpeg }, 400, 'validation_error'],
      ['identify without image', { kind: 'identify' }, { image_a: jpeg }, 400, 'validation_error'],
      ['verify without image_b', { kind: 'verify' }, { image_a: jpeg }, 400, 'validation_error'],
      [
        'image_b and employee_id',
        { kind: 'verify', employee_id: obama.id },
        { image_a: jpeg, image_b: jpeg },
        400,
        'validation_error',
      ],
      ['not an image', { kind: 'identify' }, { image: Buffer.from('hello') }, 415, 'unsupported_media_type'],
      [
        'an unknown person',
        { kind: 'verify', employee_id: '00000000-0000-4000-8000-000000000000' },
        { image_a: jpeg },
        404,
        'not_found',
      ],
    ];
    for (const [what, fields, images, status, error] of bad) {
      expectError(await createTask(sut, admin, fields, images), status, error, what);
    }
    assert.deepEqual(
      filesOnDisk(sut).filter((path) => path.endsWith('.staged')),
      [],
      'nothing staged',
    );
  });

  it('keeps tasks to their organisation and apart from other jobs', async () => {
    const { sut, superAdmin } = context;
    const { admin } = await organisationWithObama();
    const other = await createOrganizationWithAdmin(sut, superAdmin);
    const queued = expectStatus(
      await createTask(sut, admin, { kind: 'identify' }, { image: photo('knn', 'test', 'obama1.jpg') }),
      202,
    );
    const get = (session: Session, id: string) =>
      sut.http().get(`/api/v1/recognition/tasks/${id}`).set(bearer(session));
    expectError(await get(other.admin, String(queued.task_id)), 404, 'not_found');
    const person = await createPerson(sut, admin);
    const enrollment = await sut
      .http()
      .post(`/api/v1/employees/${person}/faces`)
      .set(bearer(admin))
      .attach('images', photo('knn', 'train', 'biden', 'biden2.jpg'), 'biden2.jpg');
    const jobId = String(expectStatus(enrollment, 202).id);
    expectError(await get(admin, jobId), 404, 'not_found', 'an enrollment job is no task');
    await finished(sut, admin, String(queued.task_id));
  });

  it('identifies up to 20 frames in one request, each with its own result or error', async () => {
    const { sut } = context;
    const { admin, obama } = await organisationWithObama();
    const bulk = (frames: [string, Buffer][], fields: Record<string, string> = {}) => {
      let request = sut.http().post('/api/v1/recognition/bulk').set(bearer(admin));
      for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
      for (const [name, bytes] of frames) request = request.attach('frames', bytes, name);
      return request;
    };
    const body = expectStatus(
      await bulk([
        ['obama1.jpg', photo('knn', 'test', 'obama1.jpg')],
        ['pair.jpg', photo('knn', 'test', 'obama_and_biden.jpg')],
        ['broken.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2])],
      ]),
      200,
    );
    const results = body.results as { index: number; filename: string; status: string; result: Json; error: Json }[];
    assert.equal(body.frames, 3);
    assert.deepEqual(
      results.map((frame) => [frame.index, frame.filename, frame.status]),
      [
        [0, 'obama1.jpg', 'ok'],
        [1, 'pair.jpg', 'ok'],
        [2, 'broken.jpg', 'error'],
      ],
    );
    assert.equal((results[0].result.faces as { person: { id: string } }[])[0].person.id, obama.id);
    const pair = results[1].result.faces as { person: { id: string } | null }[];
    assert.ok(
      pair.some((face) => face.person?.id === obama.id),
      JSON.stringify(pair),
    );
    assert.equal(results[2].error.error, 'invalid_image');

    const verified = expectStatus(
      await bulk([['a.jpg', photo('knn', 'test', 'obama1.jpg')]], { employee_id: obama.id }),
      200,
    );
    assert.equal((verified.results as { result: Json }[])[0].result.match, true);

    const many = Array.from({ length: 21 }, (_, i): [string, Buffer] => [
      `${i}.jpg`,
      photo('knn', 'test', 'obama1.jpg'),
    ]);
    expectError(await bulk(many), 400, 'bad_request');
    expectError(await bulk([]), 400, 'validation_error');
  });
});
