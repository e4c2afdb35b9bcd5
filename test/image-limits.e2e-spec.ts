import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_MAX_ASPECT_RATIO,
  DEFAULT_MAX_INPUT_SIDE,
  ImageDecoder,
} from '../src/recognition/engine/image-decoder.js';
import { ImageError } from '../src/recognition/engine/image-errors.js';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import { expectError } from './support/api-calls.js';
import { blackPng, THIN_PNG_SIZE, thinPngBytes } from './support/bad-uploads.js';
import { createPerson } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('image shape limits', () => {
  let sut: TestApp;
  let admin: Session;
  const face = () => readFileSync(facePath('knn', 'test', 'obama1.jpg'));

  before(async () => {
    sut = await startTestApp();
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const post = (path: string) => sut.http().post(`/api/v1${path}`).set(bearer(admin));

  it('refuses the 1 x 39,000,000 PNG from its header on detect, verify and identify', async () => {
    const thin = thinPngBytes();
    const responses = [
      ['detect', await post('/recognition/detect').attach('image', thin, 'thin.png')],
      ['identify', await post('/recognition/identify').attach('image', thin, 'thin.png')],
      [
        'verify',
        await post('/recognition/verify').attach('image_a', face(), 'a.jpg').attach('image_b', thin, 'thin.png'),
      ],
    ] as const;
    for (const [route, response] of responses) {
      expectError(response, 413, 'image_too_large', route);
      assert.equal(response.body.details.width, THIN_PNG_SIZE.width, route);
      assert.equal(response.body.details.height, THIN_PNG_SIZE.height, route);
      assert.equal(response.body.details.max_side, DEFAULT_MAX_INPUT_SIDE, route);
    }
    assert.equal(responses[2][1].body.details.field, 'image_b');
  });

  it('rejects the 1 x 39,000,000 PNG as an enrollment photo without storing it', async () => {
    const person = await createPerson(sut, admin, 'Thin');
    const response = await post(`/employees/${person}/faces?wait=true`)
      .attach('images', thinPngBytes(), 'thin.png')
      .attach('images', face(), 'face.jpg');
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.deepEqual(
      response.body.rejected.map((photo: { photo: string; error: string }) => [photo.photo, photo.error]),
      [['images[0]', 'image_too_large']],
    );
    assert.equal(response.body.accepted.length, 1);
  });

  it('refuses an image whose sides differ by more than the aspect-ratio limit with 422', async () => {
    const strip = blackPng(40, 40 * (DEFAULT_MAX_ASPECT_RATIO + 1));
    const response = await post('/recognition/detect').attach('image', strip, 'strip.png');
    expectError(response, 422, 'unsupported_aspect_ratio');
    assert.deepEqual(response.body.details, {
      field: 'image',
      width: 40,
      height: 840,
      aspect_ratio: 21,
      max_aspect_ratio: DEFAULT_MAX_ASPECT_RATIO,
    });
    const widest = blackPng(40 * DEFAULT_MAX_ASPECT_RATIO, 40);
    assert.equal((await post('/recognition/detect').attach('image', widest, 'wide.png')).status, 200);
  });
});

describe('image decoding time limit', () => {
  it('abandons a decode that runs past the timeout with image_decode_timeout', async () => {
    // Without the shape limits the thin PNG takes several seconds; the 1 s timeout must cut it short.
    const sut = new ImageDecoder({ maxInputSide: Infinity, maxAspectRatio: Infinity, timeoutSeconds: 1 });
    const error = await sut.decode(thinPngBytes()).then(
      () => assert.fail('expected a timeout'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ImageError, String(error));
    assert.equal(error.code, 'image_decode_timeout');
    assert.equal(error.status, 422);
    assert.equal(error.details.timeout_seconds, 1);
  });
});
