import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import sharp, { type Region } from 'sharp';
import { bearer, createUserAndLogin, loginAsAdmin, type Session } from './support/api-client.js';
import { createPerson, enrollPhotos } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const photo = (...parts: string[]) => readFileSync(facePath(...parts));

for (const pack of ['default', 'optional'] as const) {
  describe(`recognition with the ${pack} model pack`, () => {
    let sut: TestApp;
    let admin: Session;

    before(async () => {
      sut = await startTestApp(pack === 'optional' ? { MODELS_DIR: sharedModelsDir } : {});
      admin = await loginAsAdmin(sut);
    });
    after(() => sut.close());

    const detect = (bytes: Buffer, name = 'photo.jpg') =>
      sut.http().post('/api/v1/recognition/detect').set(bearer(admin)).attach('image', bytes, name);
    const verify = (a: Buffer, b: Buffer) =>
      sut
        .http()
        .post('/api/v1/recognition/verify')
        .set(bearer(admin))
        .attach('image_a', a, 'a.jpg')
        .attach('image_b', b, 'b.jpg');

    it('lists the loaded models', async () => {
      const response = await sut.http().get('/api/v1/models').set(bearer(admin));
      assert.equal(response.status, 200);
      const loaded = response.body.results.filter((model: { loaded: boolean }) => model.loaded);
      const ids = loaded.map((model: { id: string }) => model.id).sort();
      const expected =
        pack === 'default'
          ? ['blazeface-full-range', 'dlib-resnet-v1', 'face-landmark-68']
          : ['blazeface-full-range', 'dlib-resnet-v1', 'face-landmark-68', 'minifasnet-v2-v1se', 'yunet-s'];
      assert.deepEqual(ids, expected);
      const embedder = loaded.find((model: { task: string }) => model.task === 'face_embedding');
      assert.equal(embedder.embedding_size, 128);
      assert.ok(embedder.default_threshold > 0 && embedder.default_threshold < 1);
      assert.ok(embedder.license);
      const ready = await sut.http().get('/readyz');
      assert.equal(ready.body.checks.models, 'up');
    });

    it('finds both faces in obama_and_biden.jpg with landmarks and quality', async () => {
      const response = await detect(photo('knn', 'test', 'obama_and_biden.jpg'));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      // Obama and Biden; YuNet also finds a child's half-hidden face lower right.
      assert.ok(response.body.faces_detected >= 2, `found ${response.body.faces_detected}`);
      assert.equal(response.body.faces.length, response.body.faces_detected);
      const metadata = await sharp(photo('knn', 'test', 'obama_and_biden.jpg')).metadata();
      assert.deepEqual(response.body.image_size, { width: metadata.width, height: metadata.height });
      for (const face of response.body.faces) {
        const [x1, y1, x2, y2] = face.bbox;
        assert.ok(x1 >= 0 && y1 >= 0 && x2 <= metadata.width && y2 <= metadata.height && x2 > x1 && y2 > y1);
        assert.ok(face.landmarks.left_eye.x < face.landmarks.right_eye.x);
        assert.ok(face.landmarks.nose.y > face.landmarks.left_eye.y);
        assert.ok(['good', 'fair', 'poor'].includes(face.quality.overall));
        assert.equal(face.liveness !== undefined, pack === 'optional');
      }
      const [left, right] = response.body.faces
        .slice(0, 2)
        .sort((a: { bbox: number[] }, b: { bbox: number[] }) => a.bbox[0] - b.bbox[0]);
      assert.ok(left.bbox[2] < right.bbox[0], 'the two largest faces stand side by side');
      const [first, second] = response.body.faces.map(
        (face: { bbox: number[] }) => (face.bbox[2] - face.bbox[0]) * (face.bbox[3] - face.bbox[1]),
      );
      assert.ok(first >= second, 'largest face first');
    });

    it('finds a face in the lfw-dev photos YuNet alone misses (the built-in detector is asked then)', async () => {
      for (const name of ['Hernan_Diaz_0001', 'Thomas_Birmingham_0002']) {
        const response = await detect(photo('lfw-dev', 'images', name.replace(/_\d+$/, ''), `${name}.jpg`));
        assert.equal(response.status, 200, JSON.stringify(response.body));
        assert.equal(response.body.faces_detected, 1, name);
      }
    });

    it('finds no face in a photo of dogs', async () => {
      const response = await detect(photo('dlib', 'faces', 'dogs.jpg'));
      assert.equal(response.status, 200);
      assert.equal(response.body.faces_detected, 0);
    });

    it('says yes for two photos of one person and no for two people', async () => {
      const same = await verify(
        photo('knn', 'train', 'biden', 'biden.jpg'),
        photo('knn', 'train', 'biden', 'biden2.jpg'),
      );
      assert.equal(same.status, 200, JSON.stringify(same.body));
      assert.equal(same.body.match, true);
      assert.ok(same.body.distance <= same.body.threshold);
      assert.ok(same.body.confidence > 0.5);
      const different = await verify(photo('knn', 'train', 'biden', 'biden.jpg'), photo('knn', 'test', 'obama1.jpg'));
      assert.equal(different.status, 200);
      assert.equal(different.body.match, false);
      assert.ok(different.body.distance > different.body.threshold);
      assert.ok(different.body.confidence < 0.5);
      assert.equal(different.body.match_quality, 'poor');
      assert.ok(Math.abs(different.body.similarity - (1 - different.body.distance ** 2 / 2)) < 1e-3);
      assert.equal(different.body.faces.a.bbox.length, 4);
    });

    it('compares the face in the middle of a photo, not a larger bystander at its edge', async () => {
      // Biden's face (about 195 px) in the middle of a grey 1400x700 frame, Obama's (about 250 px) at its right edge.
      const crop = (path: string[], region: Region, scale: number) =>
        sharp(photo(...path))
          .extract(region)
          .resize(Math.round(region.width * scale))
          .toBuffer();
      const group = await sharp({ create: { width: 1400, height: 700, channels: 3, background: '#808080' } })
        .composite([
          {
            input: await crop(
              ['knn', 'train', 'biden', 'biden.jpg'],
              { left: 300, top: 100, width: 580, height: 600 },
              0.6,
            ),
            left: 526,
            top: 170,
          },
          {
            input: await crop(['knn', 'test', 'obama1.jpg'], { left: 434, top: 95, width: 632, height: 633 }, 0.58),
            left: 1033,
            top: 0,
          },
        ])
        .jpeg({ quality: 92 })
        .toBuffer();
      const found = await detect(group);
      assert.equal(found.body.faces_detected, 2, JSON.stringify(found.body));
      const [larger, smaller] = (found.body.faces as { bbox: number[] }[]).map(
        (face) => (face.bbox[2] - face.bbox[0]) * (face.bbox[3] - face.bbox[1]),
      );
      assert.ok(larger > smaller * 1.3 && smaller > larger / 2, `face areas ${larger} and ${smaller}`);

      const response = await verify(group, photo('knn', 'train', 'biden', 'biden2.jpg'));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const [x1, , x2] = response.body.faces.a.bbox as number[];
      assert.ok(x1 > 526 && x2 < 900, `the middle face was compared: ${x1}-${x2}`);
      assert.equal(response.body.match, true, JSON.stringify(response.body));
    });

    it(
      'decides a frontal photo and a profile of one person on descriptors made for comparing two photos',
      { skip: pack !== 'default' && 'the pair was chosen with the default pack' },
      async () => {
        const models = await sut.http().get('/api/v1/models').set(bearer(admin));
        const shipped = models.body.results.find((model: { task: string }) => model.task === 'face_embedding');
        const frontal = await verify(
          photo('knn', 'train', 'biden', 'biden.jpg'),
          photo('knn', 'train', 'biden', 'biden2.jpg'),
        );
        assert.equal(frontal.body.threshold, shipped.default_threshold, 'two frontal faces: the default');
        // cfp-dev person 381 from the front and turned about 61 degrees: 0.521 apart on the descriptors searched
        // among enrolled people (over every threshold), 0.378 on those made for comparing two photos.
        const turned = await verify(
          photo('cfp-dev', 'Data', 'Images', '381', 'frontal', '03.jpg'),
          photo('cfp-dev', 'Data', 'Images', '381', 'profile', '04.jpg'),
        );
        assert.equal(turned.status, 200, JSON.stringify(turned.body));
        assert.notEqual(turned.body.threshold, shipped.default_threshold, 'a turned face: the turned-face threshold');
        assert.ok(turned.body.distance < 0.4, `distance ${turned.body.distance}`);
        assert.equal(turned.body.match, true);
        // Against an enrolled person (an identity claim, as at a kiosk) the same profile is compared on the
        // descriptors templates have, with the default threshold.
        const person = await createPerson(sut, admin, 'Turned');
        const enrolled = await enrollPhotos(sut, admin, person, [
          ['cfp-dev', 'Data', 'Images', '381', 'frontal', '03.jpg'],
        ]);
        assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
        assert.equal(enrolled.body.accepted.length, 1, JSON.stringify(enrolled.body));
        const claimed = await sut
          .http()
          .post('/api/v1/recognition/verify')
          .set(bearer(admin))
          .field('employee_id', person)
          .attach('image_a', photo('cfp-dev', 'Data', 'Images', '381', 'profile', '04.jpg'), 'a.jpg');
        assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
        assert.equal(claimed.body.threshold, shipped.default_threshold);
        assert.ok(claimed.body.distance > 0.45, `distance ${claimed.body.distance}`);
        assert.equal(claimed.body.match, false);
      },
    );
  });
}

describe('recognition input errors', () => {
  const context = useTestApp();

  const detect = (bytes: Buffer, name: string) =>
    context.sut.http().post('/api/v1/recognition/detect').set(bearer(context.superAdmin)).attach('image', bytes, name);

  it('refuses a file that is not an image with 415, whatever its name', async () => {
    const response = await detect(Buffer.from('hello, I am text, not a JPEG'), 'fake.jpg');
    assert.equal(response.status, 415);
    assert.equal(response.body.error, 'unsupported_media_type');
    assert.equal(response.body.details.field, 'image');
  });

  it('accepts a WebP photo named .jpg (decided from the bytes)', async () => {
    const response = await detect(photo('deepface', 'img47.jpg'), 'img47.jpg');
    assert.equal(response.status, 200);
  });

  it('refuses a truncated JPEG with 400 invalid_image', async () => {
    const bytes = photo('knn', 'test', 'obama1.jpg');
    const response = await detect(bytes.subarray(0, Math.floor(bytes.length / 3)), 'cut.jpg');
    assert.equal(response.status, 400);
    assert.equal(response.body.error, 'invalid_image');
  });

  it('refuses an image over the pixel limit with 413 image_too_large', async () => {
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const response = await detect(huge, 'huge.png');
    assert.equal(response.status, 413);
    assert.equal(response.body.error, 'image_too_large');
    assert.equal(response.body.details.pixels, 48_000_000);
  });

  it('answers 422 no_face_detected naming the image, with suggestions', async () => {
    const response = await context.sut
      .http()
      .post('/api/v1/recognition/verify')
      .set(bearer(context.superAdmin))
      .attach('image_a', photo('knn', 'test', 'obama1.jpg'), 'a.jpg')
      .attach('image_b', photo('dlib', 'faces', 'dogs.jpg'), 'b.jpg');
    assert.equal(response.status, 422);
    assert.equal(response.body.error, 'no_face_detected');
    assert.equal(response.body.details.field, 'image_b');
    assert.ok(response.body.details.suggestions.length > 0);
  });

  it('requires the image fields and validates the options', async () => {
    const missing = await context.sut
      .http()
      .post('/api/v1/recognition/verify')
      .set(bearer(context.superAdmin))
      .attach('image_a', photo('knn', 'test', 'obama1.jpg'), 'a.jpg');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].field, 'image_b');
    const badOption = await context.sut
      .http()
      .post('/api/v1/recognition/detect')
      .set(bearer(context.superAdmin))
      .field('min_confidence', '7')
      .attach('image', photo('knn', 'test', 'obama1.jpg'), 'a.jpg');
    assert.equal(badOption.status, 400);
    assert.equal(badOption.body.details[0].field, 'min_confidence');
    const unknownFile = await context.sut
      .http()
      .post('/api/v1/recognition/detect')
      .set(bearer(context.superAdmin))
      .attach('picture', photo('knn', 'test', 'obama1.jpg'), 'a.jpg');
    assert.equal(unknownFile.status, 400);
  });

  it('needs the recognition permission', async () => {
    const employee = await createUserAndLogin(context.sut, context.superAdmin, 'no-recognition', 'employee');
    const response = await context.sut
      .http()
      .post('/api/v1/recognition/detect')
      .set(bearer(employee))
      .attach('image', photo('knn', 'test', 'obama1.jpg'), 'a.jpg');
    assert.equal(response.status, 403);
  });
});
