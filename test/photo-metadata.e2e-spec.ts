import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import { createPerson, enrollFaces, identify } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PHOTO = facePath('knn', 'train', 'obama', 'obama.jpg');

/** EXIF a phone writes: camera, time and where the photo was taken. */
const CAMERA_EXIF = {
  IFD0: { Make: 'TestCam', Model: 'Pocket 3', DateTime: '2026:01:02 03:04:05' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '48/1 51/1 2964/100',
    GPSLongitudeRef: 'E',
    GPSLongitude: '2/1 17/1 4000/100',
  },
};
const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>';

/**
 * Stored originals carry no EXIF, XMP or IPTC (camera, time, GPS), look the way the camera meant them to (the
 * orientation is baked into the pixels) and still match the person.
 */
describe('metadata of stored face photos', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  /** Enrolls the upload and returns the stored original, fetched through the API. */
  async function enrollAndFetch(name: string, upload: Buffer): Promise<{ person: string; stored: Buffer }> {
    const person = await createPerson(sut, admin, name);
    const {
      accepted: [template],
    } = await enrollFaces(sut, admin, person, [{ field: 'front', bytes: upload }]);
    const response = await sut
      .http()
      .get(`/api/v1/files/${template.photo_id}`)
      .set(bearer(admin))
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'image/jpeg');
    return { person, stored: response.body as Buffer };
  }

  const assertNoMetadata = async (stored: Buffer) => {
    const metadata = await sharp(stored).metadata();
    assert.equal(metadata.format, 'jpeg');
    assert.equal(metadata.exif, undefined, 'EXIF (camera, time, GPS) is gone');
    assert.equal(metadata.xmp, undefined, 'XMP is gone');
    assert.equal(metadata.iptc, undefined, 'IPTC is gone');
    assert.ok(!stored.includes('TestCam'), 'no trace of the camera in the bytes');
    return metadata;
  };

  it('strips EXIF with GPS from a rotated phone photo and bakes the rotation into the pixels', async () => {
    const upright = await sharp(PHOTO).metadata();
    // Pixels stored sideways with orientation 6 ("rotate 90° clockwise to view"), as phone cameras do.
    const upload = await sharp(PHOTO)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .withExif(CAMERA_EXIF)
      .withXmp(XMP)
      .jpeg({ quality: 95 })
      .toBuffer();
    const sent = await sharp(upload).metadata();
    assert.ok(sent.exif && sent.xmp && sent.orientation === 6 && sent.width === upright.height, 'the upload is set up');

    const { person, stored } = await enrollAndFetch('Rotated', upload);
    const metadata = await assertNoMetadata(stored);
    assert.equal(metadata.orientation ?? 1, 1);
    assert.deepEqual([metadata.width, metadata.height], [upright.width, upright.height], 'stored upright');

    const again = await identify(sut, admin, ['knn', 'test', 'obama1.jpg']);
    assert.equal(again.body.faces[0].person?.id, person, JSON.stringify(again.body.faces[0]));
    const fromStored = await sut
      .http()
      .post('/api/v1/recognition/identify')
      .set(bearer(admin))
      .attach('image', stored, 'stored.jpg');
    assert.equal(fromStored.body.faces[0].person?.id, person, 'the stored photo is still a face of the person');
  });

  it('keeps the pixels of an upright photo exactly while removing its metadata', async () => {
    const upload = await sharp(PHOTO).withExif(CAMERA_EXIF).withXmp(XMP).jpeg({ quality: 95 }).toBuffer();
    const { stored } = await enrollAndFetch('Upright', upload);
    await assertNoMetadata(stored);
    const pixels = (bytes: Buffer) => sharp(bytes).raw().toBuffer();
    assert.ok((await pixels(stored)).equals(await pixels(upload)), 'no re-encode: the JPEG data is untouched');
    assert.ok(stored.length < upload.length);
  });
});
