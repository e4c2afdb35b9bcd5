import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { bearer, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import { facePath, skipWithoutPhotos } from './support/shared-data.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const PHOTO = facePath('knn', 'test', 'obama1.jpg');

interface IdentifiedFace {
  recognized: boolean;
  reason?: string;
  person: { id: string } | null;
  quality: { face_size: number; reasons: string[] };
}

/** A 3840x2160 grey photo with obama1 in the middle, shrunk or enlarged so that its face is `faceWidth` px wide. */
async function largePhoto(app: TestApp, admin: Session, faceWidth: number): Promise<Buffer> {
  const detected = await app.http().post('/api/v1/recognition/detect').set(bearer(admin)).attach('image', PHOTO);
  assert.equal(detected.status, 200, JSON.stringify(detected.body));
  const [x1, , x2] = detected.body.faces[0].bbox as number[];
  const { width = 0 } = await sharp(PHOTO).metadata();
  const scaled = await sharp(PHOTO)
    .resize(Math.round((width * faceWidth) / (x2 - x1)))
    .toBuffer({ resolveWithObject: true });
  return sharp({ create: { width: 3840, height: 2160, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([{ input: scaled.data, left: 1920 - (scaled.info.width >> 1), top: 1080 - (scaled.info.height >> 1) }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

/**
 * Identify names no face under IDENTIFY_MIN_FACE_SIZE (40 px) as the models see it: a photo over 1920 px is
 * downscaled first, so a face of 70 px in a 3840 px photo is a 35 px face to the descriptor (a phone's class photo).
 */
describe('the smallest face identify names, in the pixels the models see', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp({});

  it('does not name a 70 px face of a 3840 px photo, and names a 120 px one', async () => {
    const { sut, superAdmin } = context;
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'), { first_name: 'Barack' });
    const identify = async (bytes: Buffer) => {
      const response = await sut
        .http()
        .post('/api/v1/recognition/identify')
        .set(bearer(admin))
        .attach('image', bytes, 'photo.jpg');
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.faces.length, 1, JSON.stringify(response.body.faces));
      return response.body.faces[0] as IdentifiedFace;
    };

    const far = await identify(await largePhoto(sut, admin, 70));
    assert.ok(far.quality.face_size >= 60, `face_size ${far.quality.face_size} in the uploaded photo's pixels`);
    assert.deepEqual([far.recognized, far.reason], [false, 'too_small']);
    // The quality reason gives the size the models saw, and says on what.
    const sizeReason = far.quality.reasons.find((reason) => reason.startsWith('face too small'));
    assert.match(String(sizeReason), /^face too small: 3\d(\.\d)? px < 48 px, on the photo scaled to 1920 x 1080 px/);

    const near = await identify(await largePhoto(sut, admin, 120));
    assert.deepEqual([near.recognized, near.person?.id], [true, obama.id]);
  });
});

describe('identify looks for faces from min_face_size on', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp({});

  it('finds no face under min_face_size, the larger ones as without it, and refuses a size under 20', async () => {
    const { sut, superAdmin } = context;
    const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const photo = facePath('groups', 'retinaface-team.jpg');
    const identify = (fields: Record<string, string>) => {
      let request = sut.http().post('/api/v1/recognition/identify').set(bearer(admin));
      for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
      return request.attach('image', photo);
    };
    const side = (face: { bbox: number[] }) => Math.min(face.bbox[2] - face.bbox[0], face.bbox[3] - face.bbox[1]);
    const all = await identify({});
    assert.equal(all.status, 200, JSON.stringify(all.body));
    const sizes = (all.body.faces as { bbox: number[] }[]).map(side).sort((a, b) => a - b);
    const limit = Math.round(sizes[Math.floor(sizes.length / 2)]);
    assert.ok(sizes[0] < limit, `faces of several sizes: ${sizes.join(', ')}`);

    const large = await identify({ min_face_size: String(limit) });
    assert.equal(large.status, 200, JSON.stringify(large.body));
    const found = (large.body.faces as { bbox: number[] }[]).map(side);
    assert.ok(found.length > 0 && found.length < sizes.length, `${found.length} of ${sizes.length} faces`);
    assert.ok(
      found.every((size) => size >= limit),
      `every face from ${limit} px on: ${found.join(', ')}`,
    );
    const expected = sizes.filter((size) => size >= limit + 2).length;
    assert.ok(
      found.length >= expected,
      `the ${expected} faces clearly over the limit are still found: ${found.length}`,
    );

    for (const value of ['10', '0', 'big']) {
      const refused = await identify({ min_face_size: value });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'validation_error');
    }
  });
});
