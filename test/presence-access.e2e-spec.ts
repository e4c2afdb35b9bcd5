import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { CameraKey } from '../src/cameras/camera-key.entity.js';
import { Camera } from '../src/cameras/camera.entity.js';
import { bearer, createOrganizationWithAdmin, createUserAndLogin } from './support/api-client.js';
import { expectError } from './support/api-calls.js';
import { createCamera, createCameraKey, frameDetections, postFrame } from './support/presence-cameras.js';
import { useTestApp } from './support/use-test-app.js';

const FRAME = ['knn', 'test', 'obama1.jpg'];

describe('who may post frames and read presence events', () => {
  const context = useTestApp();

  async function organisation() {
    const { sut, superAdmin } = context;
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const camera = await createCamera(sut, organizationId);
    const key = await createCameraKey(sut, camera);
    return { organizationId, admin, camera, key };
  }

  it('refuses a wrong key, a revoked key, another camera’s key and an inactive camera’s key with 401', async () => {
    const { sut } = context;
    const own = await organisation();
    const sibling = await createCamera(sut, own.organizationId);
    const siblingKey = await createCameraKey(sut, sibling);
    const foreign = await organisation();
    const revoked = await createCameraKey(sut, own.camera);
    await sut.app.get(DataSource).getRepository(CameraKey).update({ id: revoked.id }, { revokedAt: new Date() });
    const asleep = await createCamera(sut, own.organizationId, { isActive: false });
    const asleepKey = await createCameraKey(sut, asleep);

    const refused = [
      ['a wrong key', { apiKey: 'fgk_not-a-key-of-anyone' }, own.camera.id],
      ['a revoked key', { apiKey: revoked.apiKey }, own.camera.id],
      ["another camera's key of the organisation", { apiKey: siblingKey.apiKey }, own.camera.id],
      ["another organisation's camera key", { apiKey: foreign.key.apiKey }, own.camera.id],
      ["an inactive camera's key, for its own camera", { apiKey: asleepKey.apiKey }, asleep.id],
    ] as const;
    for (const [what, sender, cameraId] of refused) {
      expectError(await postFrame(sut, cameraId, sender, FRAME), 401, 'invalid_api_key', what);
    }
    const anonymous = await sut.http().post(`/api/v1/cameras/${own.camera.id}/frames`);
    assert.equal(anonymous.status, 401);
    const count = await sut.app.get(DataSource).query('SELECT 1 FROM presence_events');
    assert.equal(count.length, 0, 'no refused frame left an event');
    const camera = await sut.app.get(DataSource).getRepository(Camera).findOneByOrFail({ id: own.camera.id });
    assert.equal(camera.framesProcessed, 0, 'nor counted');
  });

  it('lets a user with presence:write post, answers 404 for another organisation’s camera, 403 without it', async () => {
    const { sut } = context;
    const own = await organisation();
    const foreign = await organisation();
    const operator = await createUserAndLogin(sut, own.admin, undefined, 'operator');
    const employee = await createUserAndLogin(sut, own.admin, undefined, 'employee');

    const detections = await frameDetections(sut, own.camera.id, operator, FRAME, 201);
    assert.equal(detections.length, 1);
    expectError(await postFrame(sut, foreign.camera.id, operator, FRAME), 404, 'not_found');
    expectError(await postFrame(sut, foreign.camera.id, own.admin, FRAME), 404, 'not_found');
    expectError(await postFrame(sut, own.camera.id, employee, FRAME), 403, 'forbidden');
    const inactive = await createCamera(sut, own.organizationId, { isActive: false });
    expectError(await postFrame(sut, inactive.id, own.admin, FRAME), 404, 'not_found');
  });

  it('shows each organisation its own events only', async () => {
    const { sut } = context;
    const own = await organisation();
    const foreign = await organisation();
    const [mine] = await frameDetections(sut, own.camera.id, own.key, FRAME, 201);
    const [theirs] = await frameDetections(sut, foreign.camera.id, foreign.key, FRAME, 201);

    const list = await sut.http().get('/api/v1/presence-events').set(bearer(own.admin));
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(
      list.body.results.map((event: { id: string }) => event.id),
      [mine.event_id],
    );
    assert.equal(list.body.count, 1);
    assert.equal(list.body.results[0].unknown_embedding, undefined);
    const get = (id: string) => sut.http().get(`/api/v1/presence-events/${id}`).set(bearer(own.admin));
    assert.equal((await get(mine.event_id)).status, 200);
    expectError(await get(theirs.event_id), 404, 'not_found');
    const review = await sut
      .http()
      .patch(`/api/v1/presence-events/${theirs.event_id}`)
      .set(bearer(own.admin))
      .send({ action: 'approve' });
    expectError(review, 404, 'not_found');

    const employee = await createUserAndLogin(sut, own.admin, undefined, 'employee');
    expectError(await sut.http().get('/api/v1/presence-events').set(bearer(employee)), 403, 'forbidden');
    const manager = await createUserAndLogin(sut, own.admin, undefined, 'manager');
    assert.equal((await sut.http().get('/api/v1/presence-events').set(bearer(manager))).status, 200);
  });
});
