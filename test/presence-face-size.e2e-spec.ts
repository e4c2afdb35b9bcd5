import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { PresenceEvent } from '../src/presence/presence-event.entity.js';
import { bearer, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import { createCamera, createCameraKey, frameDetections } from './support/presence-cameras.js';
import { facePath, skipWithoutPhotos } from './support/shared-data.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const PHOTO = ['knn', 'test', 'obama1.jpg'];

/** The width of the photo's largest face as POST /recognition/detect finds it. */
async function faceWidth(app: TestApp, admin: Session): Promise<number> {
  const response = await app
    .http()
    .post('/api/v1/recognition/detect')
    .set(bearer(admin))
    .attach('image', readFileSync(facePath(...PHOTO)), 'photo.jpg');
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const [x1, , x2] = response.body.faces[0].bbox as number[];
  return x2 - x1;
}

/** The photo shrunk so its face is `width` pixels wide, in the middle of a grey 640x480 frame, as a JPEG. */
async function distantFrame(scale: number): Promise<Buffer> {
  const path = facePath(...PHOTO);
  const { width = 0, height = 0 } = await sharp(path).metadata();
  const shrunk = await sharp(path)
    .resize(Math.round(width * scale), Math.round(height * scale))
    .toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: shrunk.data, left: 320 - (shrunk.info.width >> 1), top: 240 - (shrunk.info.height >> 1) }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * The default model pack tells small faces apart poorly (16-20 px faces were taken for another enrolled person in
 * most cases: docs/benchmarks.md, Face size), so camera frames are searched for faces from the camera's
 * `min_face_size` on (PRESENCE_MIN_FACE_SIZE, 48 px, when the camera has none).
 */
describe('the smallest face a camera identifies', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp({});

  it('makes no presence event of a face under the minimum, and follows the camera own setting', async () => {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'), { first_name: 'Barack' });
    const camera = await createCamera(sut, organizationId, { direction: 'in', sourceType: 'kiosk' });
    const key = await createCameraKey(sut, camera);
    const width = await faceWidth(sut, admin);
    const [small, large] = [await distantFrame(30 / width), await distantFrame(64 / width)];

    const shown = await sut.http().get(`/api/v1/cameras/${camera.id}`).set(bearer(admin));
    assert.equal(shown.body.min_face_size, null, 'no size of its own: the configured default');
    assert.deepEqual(await frameDetections(sut, camera.id, key, ['small.jpg'], 200, { bytes: small }), []);
    const events = sut.app.get(DataSource).getRepository(PresenceEvent);
    assert.equal(await events.countBy({ cameraId: camera.id }), 0);

    const [seen, ...others] = await frameDetections(sut, camera.id, key, ['large.jpg'], 201, { bytes: large });
    assert.deepEqual(others, []);
    assert.equal(seen.person_id, obama.id, 'a 64 px face is identified');

    const patched = await sut
      .http()
      .patch(`/api/v1/cameras/${camera.id}`)
      .set(bearer(admin))
      .send({ min_face_size: 24 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.min_face_size, 24);
    const [near] = await frameDetections(sut, camera.id, key, ['small.jpg'], 200, { bytes: small });
    assert.ok(near, 'the camera now looks for faces of 24 px and more');
    const box = near.bbox as { width: number };
    assert.ok(box.width >= 24 && box.width < 40, `face box ${JSON.stringify(near.bbox)}`);
  });

  it('refuses a size under 16 px or over 1000, and null restores the default', async () => {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const camera = await createCamera(sut, organizationId, { sourceType: 'kiosk', minFaceSize: 60 });
    for (const value of [8, 1001, 20.5, '40']) {
      const response = await sut
        .http()
        .patch(`/api/v1/cameras/${camera.id}`)
        .set(bearer(admin))
        .send({ min_face_size: value });
      assert.equal(response.status, 400, `min_face_size ${JSON.stringify(value)}: ${JSON.stringify(response.body)}`);
      assert.ok(
        response.body.details.some((detail: { field: string }) => detail.field === 'min_face_size'),
        JSON.stringify(response.body),
      );
    }
    const cleared = await sut
      .http()
      .patch(`/api/v1/cameras/${camera.id}`)
      .set(bearer(admin))
      .send({ min_face_size: null });
    assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
    assert.equal(cleared.body.min_face_size, null);
  });
});
