import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { Camera } from '../src/cameras/camera.entity.js';
import { bearer, createOrganizationWithAdmin } from './support/api-client.js';
import { expectError } from './support/api-calls.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import {
  collectEvents,
  createCamera,
  createCameraKey,
  createLocation,
  frameDetections,
  postFrame,
  storedEvent,
} from './support/presence-cameras.js';
import { sharedModelsDir } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

describe('camera frames become presence events', () => {
  const context = useTestApp({ MODELS_DIR: sharedModelsDir });

  /** An organisation with Obama enrolled, a camera at a location and its key. */
  async function site() {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'), { first_name: 'Barack' });
    const locationId = await createLocation(sut, admin);
    const camera = await createCamera(sut, organizationId, { locationId, direction: 'in' });
    const { apiKey } = await createCameraKey(sut, camera);
    return { organizationId, admin, obama, camera, key: { apiKey } };
  }

  it('names a known person, stores the event with its snapshot, and publishes presence.recognized', async () => {
    const { sut } = context;
    const { organizationId, admin, obama, camera, key } = await site();
    const recognized = collectEvents(sut, 'presence.recognized');

    const response = await postFrame(sut, camera.id, key, ['knn', 'test', 'obama1.jpg']);

    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.camera_id, camera.id);
    const [detection, ...others] = response.body.detections;
    assert.deepEqual(others, [], 'one face');
    assert.equal(detection.matched, true);
    assert.equal(detection.person_id, obama.id);
    assert.match(detection.person_name, /^Barack /);
    assert.equal(detection.kind, 'employee');
    assert.equal(detection.is_new_event, true);
    assert.equal(detection.event_type, 'in');
    assert.equal(detection.review_status, 'not_required');
    assert.ok(detection.match_confidence > 0.9, `similarity ${detection.match_confidence}`);
    assert.ok(detection.models_used.length >= 2);
    assert.equal(detection.embedding, undefined, 'no embedding leaves the service');

    const row = await storedEvent(sut, detection.event_id);
    assert.equal(row.employee_id, obama.id);
    assert.equal(row.organization_id, organizationId);
    assert.equal(row.camera_id, camera.id);
    assert.equal(row.location_id, camera.locationId);
    assert.equal(row.is_unknown_face, false);
    assert.equal(row.has_embedding, false, 'a known face keeps no embedding');
    assert.equal(row.liveness_checked, false, 'the camera does not ask for liveness');
    assert.equal(row.seen_count, 1);

    const thumbnail = await sut.http().get(detection.thumbnail_url).set(bearer(admin));
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers['content-type'], 'image/jpeg');

    assert.equal(recognized.length, 1);
    const [event] = recognized;
    assert.equal(event.organizationId, organizationId);
    assert.equal(event.cameraId, camera.id);
    assert.equal(event.frameTime, response.body.frame_time);
    assert.deepEqual(
      event.detections.map((face) => [face.eventId, face.personId, face.matched]),
      [[detection.event_id, obama.id, true]],
    );

    const health = await sut.app.get(DataSource).getRepository(Camera).findOneByOrFail({ id: camera.id });
    assert.deepEqual([health.framesProcessed, health.facesProcessed], [1, 1]);
    assert.ok(health.lastFrameAt);
  });

  it('debounces the same person at the same camera: two frames, one event seen twice', async () => {
    const { sut } = context;
    const { obama, camera, key } = await site();
    const first = await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], 201);
    const second = await frameDetections(sut, camera.id, key, ['knn', 'train', 'obama', 'obama2.jpg'], 200);

    assert.equal(second[0].person_id, obama.id);
    assert.equal(second[0].event_id, first[0].event_id);
    assert.equal(second[0].is_new_event, false);
    assert.equal(second[0].seen_count, 2);
    const row = await storedEvent(sut, first[0].event_id);
    assert.equal(row.seen_count, 2);
    assert.ok(new Date(row.last_seen_at as string) >= new Date(row.occurred_at as string));

    const later = new Date(Date.now() - 1000).toISOString();
    const earlier = new Date(Date.now() - 10 * 60_000).toISOString();
    const outside = await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], 201, {
      frameTime: earlier,
    });
    assert.notEqual(outside[0].event_id, first[0].event_id, 'ten minutes earlier is outside the window');
    const again = await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], 200, { frameTime: later });
    assert.equal(again[0].event_id, first[0].event_id);
  });

  it('records an unknown face, publishes presence.unknown once, and groups the same stranger', async () => {
    const { sut } = context;
    const { camera, key } = await site();
    const unknown = collectEvents(sut, 'presence.unknown');

    // Two photos of one person nobody enrolled (deepface id01), then someone else (id02).
    const first = await frameDetections(sut, camera.id, key, ['deepface', 'img1.jpg'], 201);
    const again = await frameDetections(sut, camera.id, key, ['deepface', 'img2.jpg'], 200);
    const other = await frameDetections(sut, camera.id, key, ['deepface', 'img3.jpg'], 201);

    assert.equal(first.length, 1);
    assert.deepEqual(
      [first[0].matched, first[0].person_id, first[0].kind, first[0].is_unknown_face, first[0].review_status],
      [false, null, 'unknown', true, 'pending'],
    );
    assert.equal(again[0].event_id, first[0].event_id, 'the same stranger is one event');
    assert.equal(again[0].seen_count, 2);
    assert.notEqual(other[0].event_id, first[0].event_id, 'another stranger is another event');
    assert.deepEqual(
      unknown.map((event) => event.eventId),
      [first[0].event_id, other[0].event_id],
      'presence.unknown for new unknown events only',
    );
    assert.equal(unknown[0].cameraId, camera.id);
    assert.match(unknown[0].thumbnailUrl ?? '', /^\/api\/v1\/files\//);
    const row = await storedEvent(sut, first[0].event_id);
    assert.equal(row.is_unknown_face, true);
    assert.equal(row.has_embedding, true, 'kept to group the same stranger');
  });

  it('makes one event of three frames of the same face posted at the same moment', async () => {
    const { sut } = context;
    const { camera, key } = await site();
    const post = (photo: string[]) => postFrame(sut, camera.id, key, photo);
    for (const photo of [
      ['knn', 'test', 'obama1.jpg'],
      ['deepface', 'img1.jpg'],
    ]) {
      const responses = await Promise.all([post(photo), post(photo), post(photo)]);
      assert.deepEqual(responses.map((response) => response.status).sort(), [200, 200, 201], photo.join('/'));
      const ids = new Set(responses.map((response) => response.body.detections[0].event_id as string));
      assert.equal(ids.size, 1, `${photo.join('/')}: one event`);
      assert.equal((await storedEvent(sut, [...ids][0])).seen_count, 3);
    }
  });

  it('answers 200 with no detections for a frame without a face, and counts it', async () => {
    const { sut } = context;
    const { camera, key } = await site();
    const detections = await frameDetections(sut, camera.id, key, ['dlib', 'faces', 'dogs.jpg'], 200);
    assert.deepEqual(detections, []);
    const health = await sut.app.get(DataSource).getRepository(Camera).findOneByOrFail({ id: camera.id });
    assert.equal(health.framesProcessed, 1);
  });

  it('refuses a frame time in the future, a missing image and a broken one (counted as an error)', async () => {
    const { sut } = context;
    const { camera, key } = await site();
    const future = new Date(Date.now() + 5 * 60_000).toISOString();
    const late = await postFrame(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], { frameTime: future });
    assert.deepEqual(expectError(late, 400, 'validation_error'), ['frame_time']);
    const noZone = await postFrame(sut, camera.id, key, ['knn', 'test', 'obama1.jpg'], {
      frameTime: '2025-01-01T10:00:00',
    });
    assert.deepEqual(expectError(noZone, 400, 'validation_error'), ['frame_time']);

    const missing = await sut.http().post(`/api/v1/cameras/${camera.id}/frames`).set('X-Api-Key', key.apiKey);
    assert.deepEqual(expectError(missing, 400, 'validation_error'), ['image']);

    const broken = await postFrame(sut, camera.id, key, ['x.jpg'], {
      bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
    });
    assert.equal(broken.status, 400, JSON.stringify(broken.body));
    assert.equal(broken.body.error, 'invalid_image');
    const health = await sut.app.get(DataSource).getRepository(Camera).findOneByOrFail({ id: camera.id });
    assert.deepEqual([health.framesProcessed, health.errorCount, health.lastError], [1, 1, 'invalid_image']);
    const events = await sut.app
      .get(DataSource)
      .query('SELECT 1 FROM presence_events WHERE camera_id = $1', [camera.id]);
    assert.equal(events.length, 0);
  });
});
