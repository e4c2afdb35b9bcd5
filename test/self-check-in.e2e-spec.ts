import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bearer, createOrganizationWithAdmin, createUserAndLogin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { createEnrolledPerson, photosOf } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import type { TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** The office: a 200 m geofence around a point in Bengaluru. */
const OFFICE = { latitude: 12.9716, longitude: 77.5946 };
/** About 110 m north of it, inside the fence; and about 5.5 km north, outside. */
const NEARBY = { latitude: 12.9726, longitude: 77.5946 };
const FAR = { latitude: 13.0216, longitude: 77.5946 };

const checkIn = (sut: TestApp, session: Session, photo: string[], where: { latitude: number; longitude: number }) =>
  sut
    .http()
    .post('/api/v1/attendance/check-in')
    .set(bearer(session))
    .field('latitude', String(where.latitude))
    .field('longitude', String(where.longitude))
    .attach('image', readFileSync(facePath(...photo)), photo.at(-1));

/** Sets up an organisation with a geofenced office and a person (linked to an account) enrolled from `photos`. */
async function officeWithPerson(sut: TestApp, superAdmin: Session, photos: string[][]) {
  const { admin } = await createOrganizationWithAdmin(sut, superAdmin);
  const { send } = apiCalls(() => sut);
  const office = expectStatus(
    await send(admin, 'post', '/locations', { name: 'Office', ...OFFICE, geofence_radius_m: 200 }),
    201,
  );
  const member = await createUserAndLogin(sut, admin, undefined, 'employee');
  const person = await createEnrolledPerson(sut, admin, photos, { user_id: member.user.id });
  return { admin, member, person: person.id, officeId: String(office.id) };
}

describe('self check-in from a phone', () => {
  const context = useTestApp();
  let setup: Awaited<ReturnType<typeof officeWithPerson>>;
  before(async () => {
    setup = await officeWithPerson(context.sut, context.superAdmin, photosOf('knn', 'train', 'obama'));
  });

  const attempts = () =>
    context.sut.app
      .get(DataSource)
      .query<{ accepted: boolean; reason: string | null }[]>(
        'SELECT accepted, reason FROM self_check_ins WHERE employee_id = $1 ORDER BY created_at',
        [setup.person],
      );

  it('refuses a check-in outside every geofence, and keeps the attempt', async () => {
    const response = await checkIn(context.sut, setup.member, ['knn', 'test', 'obama1.jpg'], FAR);
    expectError(response, 422, 'outside_geofence');
    assert.ok(Number((response.body.details as Json).distance_m) > 5000);
    assert.deepEqual(await attempts(), [{ accepted: false, reason: 'outside_geofence' }]);
  });

  it("refuses someone else's selfie inside the fence", async () => {
    expectError(
      await checkIn(context.sut, setup.member, ['knn', 'train', 'biden', 'biden.jpg'], NEARBY),
      422,
      'face_mismatch',
    );
  });

  it('accepts the person inside the fence and marks the day at that location', async () => {
    const body = expectStatus(await checkIn(context.sut, setup.member, ['knn', 'test', 'obama1.jpg'], NEARBY), 201);
    assert.equal(body.status, 'accepted');
    assert.equal(body.location_id, setup.officeId);
    assert.ok(Number(body.distance_m) > 80 && Number(body.distance_m) < 140, String(body.distance_m));
    const record = body.record as Json;
    assert.deepEqual(
      [record.employee_id, record.source, record.location_id],
      [setup.person, 'self_check_in', setup.officeId],
    );
    assert.ok(record.check_in_at);
    assert.deepEqual(
      (await attempts()).map((row) => row.reason ?? 'accepted'),
      ['outside_geofence', 'face_mismatch', 'accepted'],
    );
  });

  it('is only for people with an account linked to a person', async () => {
    const unlinked = await createUserAndLogin(context.sut, setup.admin, undefined, 'employee');
    expectError(await checkIn(context.sut, unlinked, ['knn', 'test', 'obama1.jpg'], NEARBY), 404, 'not_found');
  });
});

const hasLiveness =
  existsSync(sharedModelsDir) && readdirSync(sharedModelsDir).some((name) => name.includes('MiniFASNet'));

describe(
  'self check-in with liveness',
  {
    skip: process.env.CI === 'true' || hasLiveness ? false : `no MiniFASNet models in ${sharedModelsDir}`,
  },
  () => {
    const context = useTestApp({ MODELS_DIR: sharedModelsDir });

    it('refuses a printed photo or a screen as spoof_suspected', async () => {
      const setup = await officeWithPerson(context.sut, context.superAdmin, [['antispoof', 'real-T1.jpg']]);
      for (const spoof of ['spoof-F1.jpg', 'spoof-F2.jpg']) {
        expectError(await checkIn(context.sut, setup.member, ['antispoof', spoof], NEARBY), 422, 'spoof_suspected');
      }
    });
  },
);
