import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { VisitorGallery } from '../src/visitors/visitor-gallery.js';
import { VisitorRetention } from '../src/visitors/visitor-retention.js';
import { createOrganizationWithAdmin, loginAsAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectStatus, type Json } from './support/api-calls.js';
import { pause } from './support/live-client.js';
import { facePath } from './support/shared-data.js';
import { startReplica, startTestApp, testDatabaseUrl, type TestApp } from './support/test-app.js';

const photo = (...parts: string[]) => readFileSync(facePath(...parts));

/** Polls `check` for up to two seconds. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await pause(50);
  }
}

/**
 * The visitors' gallery on two API instances on one database: a visitor enrolled at one desk is recognised at the
 * other, and the retention job's erasure on one instance leaves nothing searchable on the other.
 */
describe('visitor desks on two instances', { skip: !testDatabaseUrl && 'needs PostgreSQL (TEST_DATABASE_URL)' }, () => {
  let sut: TestApp;
  let replica: TestApp | undefined;
  let superAdmin: Session;
  before(async () => {
    sut = await startTestApp();
    superAdmin = await loginAsAdmin(sut);
    replica = await startReplica(sut);
  });
  after(async () => {
    await replica?.close();
    await sut?.close();
  });

  const identifyAt = (app: TestApp, session: Session) =>
    app
      .http()
      .post('/api/v1/visitors/identify')
      .set({ Authorization: `Bearer ${session.access_token}` })
      .attach('image', photo('knn', 'train', 'biden', 'biden2.jpg'), 'biden2.jpg');

  it('recognises at one desk a visitor enrolled at the other, and forgets them everywhere once erased', async () => {
    const { send } = apiCalls(() => sut);
    const { organizationId, admin } = await createOrganizationWithAdmin(sut, superAdmin);
    const visitor = expectStatus(
      await send(admin, 'post', '/visitors', { id_number: '121234345656', full_name: 'Joe Biden' }),
      201,
    );
    const visitorId = String(visitor.id);
    await sut
      .http()
      .post(`/api/v1/visitors/${visitorId}/photos`)
      .set({ Authorization: `Bearer ${admin.access_token}` })
      .attach('front', photo('knn', 'train', 'biden', 'biden.jpg'), 'biden.jpg')
      .expect(201);

    const other = replica!;
    const galleryThere = other.app.get(VisitorGallery);
    assert.ok(await eventually(() => galleryThere.sizeOf(organizationId) === 1), 'the other desk gets the face');
    const found = expectStatus(await identifyAt(other, admin), 200);
    assert.equal(((found.match as Json).visitor as Json).id, visitorId);

    // Retention (30 days) runs on the other instance, as on a worker; the first forgets the face too.
    await sut.app
      .get(DataSource)
      .query(`UPDATE visitors SET created_at = created_at - interval '40 days' WHERE id = $1;`, [visitorId]);
    await sut.app
      .get(DataSource)
      .query(`UPDATE visitor_faces SET created_at = created_at - interval '40 days' WHERE visitor_id = $1`, [
        visitorId,
      ]);
    const result = await other.app.get(VisitorRetention).run({ organizationId, date: '2026-01-01' });
    assert.equal(result.erased_visitors, 1);
    const galleryHere = sut.app.get(VisitorGallery);
    assert.ok(await eventually(() => galleryHere.sizeOf(organizationId) === 0), 'the first desk drops the face');
    const after = expectStatus(await identifyAt(sut, admin), 200);
    assert.deepEqual([after.match, after.reason], [null, 'no_enrolled_visitors']);
  });
});
