import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { createEnrolledPerson, identify, photosOf } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { filesOnDisk } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const photo = (...parts: string[]) => readFileSync(facePath(...parts));

/** Visitors' faces: enrolled by angle with the employees' checks, found at the desk in their own gallery only. */
describe('visitor faces', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);

  async function deskWithBiden(): Promise<{ admin: Session; operator: Session; visitorId: string; body: Json }> {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const operator = await createUserAndLogin(context.sut, admin, undefined, 'operator');
    const visitor = expectStatus(
      await send(operator, 'post', '/visitors', { id_number: '555566667777', full_name: 'Joe Biden' }),
      201,
    );
    const visitorId = String(visitor.id);
    const response = await context.sut
      .http()
      .post(`/api/v1/visitors/${visitorId}/photos`)
      .set({ Authorization: `Bearer ${operator.access_token}` })
      .attach('front', photo('knn', 'train', 'biden', 'biden.jpg'), 'biden.jpg')
      .attach('left', photo('knn', 'test', 'obama_and_biden.jpg'), 'two.jpg');
    return { admin, operator, visitorId, body: expectStatus(response, 201, 'photos') };
  }

  const identifyVisitor = (session: Session, ...parts: string[]) =>
    context.sut
      .http()
      .post('/api/v1/visitors/identify')
      .set({ Authorization: `Bearer ${session.access_token}` })
      .attach('image', photo(...parts), parts.at(-1));

  it('enrolls the good photos, refuses one with two faces, and shows them by angle', async () => {
    const { operator, visitorId, body } = await deskWithBiden();
    assert.equal(body.status, 'ok');
    assert.equal(body.added_vectors, 1);
    assert.deepEqual(
      (body.rejected as Json[]).map((rejected) => [rejected.photo, rejected.error]),
      [['left', 'multiple_faces']],
    );
    const visitor = expectStatus(await send(operator, 'get', `/visitors/${visitorId}`), 200);
    assert.equal(visitor.face_templates, 1);
    const lookup = expectStatus(await send(operator, 'get', '/visitors/by-id-number/5555-6666-7777'), 200);
    const images = lookup.images as Record<string, string>;
    assert.deepEqual(Object.keys(images), ['front']);
    const image = await context.sut
      .http()
      .get(images.front)
      .set({ Authorization: `Bearer ${operator.access_token}` });
    assert.equal(image.status, 200);
    const latest = await send(operator, 'get', `/visitors/${visitorId}/latest-image`);
    assert.equal(latest.status, 200);
    assert.match(String(latest.headers['content-type']), /^image\/jpeg/);
    assert.deepEqual(latest.body, image.body);
    const preview = expectStatus(await send(operator, 'get', `/visitors/${visitorId}/preview`), 200);
    assert.equal(preview.latest_image_url, images.front);
  });

  it('answers 422 when no photo passes, and 404 for the latest image of a visitor without photos', async () => {
    const { admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const visitor = expectStatus(
      await send(admin, 'post', '/visitors', { id_number: 'X1234567', full_name: 'Nobody' }),
      201,
    );
    const response = await context.sut
      .http()
      .post(`/api/v1/visitors/${String(visitor.id)}/photos`)
      .set({ Authorization: `Bearer ${admin.access_token}` })
      .attach('front', photo('knn', 'test', 'obama_and_biden.jpg'), 'two.jpg');
    expectError(response, 422, 'no_photo_accepted');
    expectError(await send(admin, 'get', `/visitors/${String(visitor.id)}/latest-image`), 404, 'not_found');
  });

  it('recognises the visitor from another photo, and keeps visitors and employees in separate galleries', async () => {
    const { admin, operator, visitorId } = await deskWithBiden();
    const employee = await createEnrolledPerson(context.sut, admin, photosOf('knn', 'train', 'obama'));

    const found = expectStatus(await identifyVisitor(operator, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(found.reason, 'matched');
    const match = found.match as Json;
    assert.equal((match.visitor as Json).id, visitorId);
    assert.equal((match.visitor as Json).id_number, 'XXXX-XXXX-7777');
    assert.ok(Number(match.similarity) > 0.5 && Number(match.confidence) > 0.5, JSON.stringify(match));

    const obama = expectStatus(await identifyVisitor(operator, 'knn', 'test', 'obama1.jpg'), 200);
    assert.deepEqual([obama.match, obama.reason], [null, 'below_threshold'], 'an employee is never a visitor');

    const asEmployee = expectStatus(await identify(context.sut, admin, ['knn', 'train', 'biden', 'biden2.jpg']), 200);
    const faces = asEmployee.faces as Json[];
    assert.ok(faces.length > 0);
    assert.ok(
      faces.every(
        (face) => face.recognized === false && (face.top_matches as Json[]).every((m) => m.person_id !== visitorId),
      ),
      'a visitor is never an employee',
    );
    const obamaAsEmployee = expectStatus(await identify(context.sut, admin, ['knn', 'test', 'obama1.jpg']), 200);
    assert.equal(((obamaAsEmployee.faces as Json[])[0].person as Json).id, employee.id);

    const other = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const elsewhere = expectStatus(await identifyVisitor(other.admin, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.deepEqual([elsewhere.match, elsewhere.reason], [null, 'no_enrolled_visitors']);
  });

  it('names no visitor from a face under IDENTIFY_MIN_FACE_SIZE (too_small)', async () => {
    const { operator } = await deskWithBiden();
    const path = facePath('knn', 'train', 'biden', 'biden2.jpg');
    const detected = expectStatus(
      await context.sut
        .http()
        .post('/api/v1/recognition/detect')
        .set({ Authorization: `Bearer ${operator.access_token}` })
        .attach('image', path),
      200,
    );
    const [x1, , x2] = (detected.faces as { bbox: number[] }[])[0].bbox;
    const { width = 0 } = await sharp(path).metadata();
    const small = await sharp(path)
      .resize(Math.round((width * 30) / (x2 - x1)))
      .jpeg({ quality: 95 })
      .toBuffer();
    const response = await context.sut
      .http()
      .post('/api/v1/visitors/identify')
      .set({ Authorization: `Bearer ${operator.access_token}` })
      .attach('image', small, 'small.jpg');
    const body = expectStatus(response, 200);
    assert.deepEqual([body.match, body.reason, body.faces_detected], [null, 'too_small', 1]);
  });

  it('loads the visitors gallery at start-up', async () => {
    const { operator, visitorId } = await deskWithBiden();
    await context.sut.restart();
    const found = expectStatus(await identifyVisitor(operator, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.equal(((found.match as Json).visitor as Json).id, visitorId);
  });

  it('erases photos, files and index entries with the visitor', async () => {
    const before = filesOnDisk(context.sut).length;
    const { operator, visitorId } = await deskWithBiden();
    assert.equal(filesOnDisk(context.sut).length, before + 2, 'a photo and its thumbnail');
    expectStatus(await send(operator, 'delete', `/visitors/${visitorId}`), 204);
    assert.equal(filesOnDisk(context.sut).length, before, 'no file is left');
    const after = expectStatus(await identifyVisitor(operator, 'knn', 'train', 'biden', 'biden2.jpg'), 200);
    assert.deepEqual([after.match, after.reason], [null, 'no_enrolled_visitors']);
  });
});
