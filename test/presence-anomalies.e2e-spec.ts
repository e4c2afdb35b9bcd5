import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { bearer, createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { expectStatus } from './support/api-calls.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import {
  collectEvents,
  createCamera,
  createCameraKey,
  createLocation,
  type Detection,
  frameDetections,
  postFrame,
} from './support/presence-cameras.js';
import { sharedModelsDir } from './support/shared-data.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const FRAME = ['knn', 'test', 'obama1.jpg'];
const TIME_ZONE = 'Asia/Kolkata';

/** The liveness models are in the optional pack; in CI they must be there, elsewhere their absence skips. */
const hasLiveness =
  existsSync(sharedModelsDir) && readdirSync(sharedModelsDir).some((name) => name.includes('MiniFASNet'));
const noLiveness = process.env.CI === 'true' || hasLiveness ? false : `no MiniFASNet models in ${sharedModelsDir}`;

/** `HH:MM` on the clocks of the time zone, `minutes` from now. */
function localTime(minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + minutes * 60_000));
}

async function createShift(sut: TestApp, admin: Session, fromMinutes: number, toMinutes: number): Promise<string> {
  const response = await sut
    .http()
    .post('/api/v1/shifts')
    .set(bearer(admin))
    .send({
      name: `shift ${fromMinutes}..${toMinutes}`,
      start_time: localTime(fromMinutes),
      end_time: localTime(toMinutes),
      working_days: [1, 2, 3, 4, 5, 6, 7],
    });
  return String(expectStatus(response, 201, 'shift').id);
}

describe('presence anomalies', () => {
  const context = useTestApp({ MODELS_DIR: sharedModelsDir, PRESENCE_SHIFT_MARGIN_MINUTES: '0' });

  async function site() {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const timezone = await sut
      .http()
      .patch(`/api/v1/organizations/${organizationId}`)
      .set(bearer(superAdmin))
      .send({ timezone: TIME_ZONE });
    expectStatus(timezone, 200, 'time zone');
    return { organizationId, admin };
  }

  it('flags the same person at two locations within the travel window, not at two cameras of one', async () => {
    const { sut } = context;
    const { organizationId, admin } = await site();
    const obama = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'));
    const [hall, yard] = [await createLocation(sut, admin), await createLocation(sut, admin)];
    const door = await createCamera(sut, organizationId, { locationId: hall });
    const stairs = await createCamera(sut, organizationId, { locationId: hall });
    const gate = await createCamera(sut, organizationId, { locationId: yard });
    const anomalies = collectEvents(sut, 'presence.anomaly');

    const [atDoor] = await frameDetections(sut, door.id, await createCameraKey(sut, door), FRAME, 201);
    const [onStairs] = await frameDetections(sut, stairs.id, await createCameraKey(sut, stairs), FRAME, 201);
    const [atGate] = await frameDetections(sut, gate.id, await createCameraKey(sut, gate), FRAME, 201);

    assert.equal(atDoor.is_anomaly, false);
    assert.equal(onStairs.is_anomaly, false, 'another camera of the same location is no journey');
    assert.deepEqual(
      [atGate.person_id, atGate.is_anomaly, atGate.anomaly_reason, atGate.review_status],
      [obama.id, true, 'two_locations', 'pending'],
    );
    assert.deepEqual(
      anomalies.map((event) => [event.eventId, event.employeeId, event.reason, event.cameraId]),
      [[atGate.event_id, obama.id, 'two_locations', gate.id]],
    );
    const earlier = new Date(Date.now() - 10 * 60_000).toISOString();
    const calm = await createCamera(sut, organizationId, { locationId: yard });
    const [longAgo] = await frameDetections(sut, calm.id, await createCameraKey(sut, calm), FRAME, 201, {
      frameTime: earlier,
    });
    assert.equal(longAgo.is_anomaly, false, 'ten minutes apart is a walk, not an anomaly');
    const flagged = await sut.http().get('/api/v1/presence-events?is_anomaly=true').set(bearer(admin));
    assert.deepEqual(
      flagged.body.results.map((event: { id: string }) => event.id),
      [atGate.event_id],
    );
  });

  it('flags a person seen outside their shift, on the organisation’s clocks, and not inside it', async () => {
    const { sut } = context;
    const { organizationId, admin } = await site();
    const later = await createShift(sut, admin, 120, 180);
    const now = await createShift(sut, admin, -60, 60);
    const offDuty = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'obama'), { shift_id: later });
    const onDuty = await createEnrolledPerson(sut, admin, photosOf('knn', 'train', 'biden'), { shift_id: now });
    const camera = await createCamera(sut, organizationId);
    const key = await createCameraKey(sut, camera);

    const faces = await frameDetections(sut, camera.id, key, ['knn', 'test', 'obama_and_biden.jpg'], 201);
    const byPerson = new Map(faces.map((face) => [face.person_id, face]));
    assert.deepEqual(
      [byPerson.get(offDuty.id)?.is_anomaly, byPerson.get(offDuty.id)?.anomaly_reason],
      [true, 'outside_shift'],
    );
    assert.deepEqual([byPerson.get(onDuty.id)?.is_anomaly, byPerson.get(onDuty.id)?.anomaly_reason], [false, null]);
  });

  it('flags a photo or a screen held up to a camera that checks liveness', { skip: noLiveness }, async () => {
    const { sut } = context;
    const { organizationId } = await site();
    const checking = await createCamera(sut, organizationId, { livenessCheckEnabled: true });
    const trusting = await createCamera(sut, organizationId);
    const checkingKey = await createCameraKey(sut, checking);
    const anomalies = collectEvents(sut, 'presence.anomaly');

    const [live] = await frameDetections(sut, checking.id, checkingKey, ['antispoof', 'real-T1.jpg'], 201);
    assert.equal(live.liveness?.passed, true, JSON.stringify(live.liveness));
    assert.equal(live.is_anomaly, false);
    // Both spoofs may show the same face: the second then repeats the first one's event, never the live one's.
    const spoofs = [];
    for (const spoof of ['spoof-F1.jpg', 'spoof-F2.jpg']) {
      const response = await postFrame(sut, checking.id, checkingKey, ['antispoof', spoof]);
      assert.ok([200, 201].includes(response.status), JSON.stringify(response.body));
      const [face] = (response.body as { detections: Detection[] }).detections;
      assert.equal(face.liveness?.passed, false, `${spoof}: ${JSON.stringify(face.liveness)}`);
      assert.deepEqual(
        [face.is_anomaly, face.anomaly_reason, face.review_status],
        [true, 'spoof_suspected', 'pending'],
      );
      assert.notEqual(face.event_id, live.event_id, 'a spoof never counts into a live face’s event');
      spoofs.push(face);
    }
    assert.ok(spoofs[0].is_new_event);
    assert.deepEqual(
      anomalies.map((event) => [event.eventId, event.reason]),
      [...new Set(spoofs.map((face) => face.event_id))].map((id) => [id, 'spoof_suspected']),
    );
    const [unchecked] = await frameDetections(
      sut,
      trusting.id,
      await createCameraKey(sut, trusting),
      ['antispoof', 'spoof-F2.jpg'],
      201,
    );
    assert.deepEqual([unchecked.liveness, unchecked.is_anomaly], [null, false], 'no liveness unless the camera asks');
  });
});
