import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { PresenceEvent } from '../src/presence/presence-event.entity.js';
import { bearer, createOrganizationWithAdmin } from './support/api-client.js';
import { facelessCrops } from './support/faceless-crops.js';
import { createCamera, createCameraKey, frameDetections } from './support/presence-cameras.js';
import { skipWithoutPhotos } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * With the default model pack: a frame whose best "face" is a guess under the detector's threshold (hands, chair
 * legs) makes no unknown-face event, while the same photo uploaded to be recognised gets the guess (an uploaded
 * photo is meant to show a face; a camera often sees none).
 */
describe('faceless camera frames', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp({});

  it('make no detection and no presence event where an upload would get a guessed face', async () => {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const camera = await createCamera(sut, organizationId, { direction: 'in' });
    const key = await createCameraKey(sut, camera);
    for (const bytes of await facelessCrops()) {
      const upload = await sut
        .http()
        .post('/api/v1/recognition/detect')
        .set(bearer(admin))
        .attach('image', bytes, 'crop.jpg');
      assert.equal(upload.status, 200, JSON.stringify(upload.body));
      assert.equal(upload.body.faces_detected, 1, 'the upload gets the guess: the crop is one the frame could take');
      assert.deepEqual(await frameDetections(sut, camera.id, key, ['crop.jpg'], 200, { bytes }), []);
    }
    const events = await sut.app.get(DataSource).getRepository(PresenceEvent).countBy({ cameraId: camera.id });
    assert.equal(events, 0);
  });
});
