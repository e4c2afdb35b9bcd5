import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import { createPerson, enrolPhotos, photosOf } from './support/people.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The people feature shows each person's enrolment (templates and angles, the enrolled facet) without reading the
 * faces feature's table: faces keeps the summary on the person in step with every enrolment and removal.
 */
describe('enrolment summary of people', () => {
  let sut: TestApp;
  let admin: Session;

  before(async () => {
    sut = await startTestApp();
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  const person = (id: string) => sut.http().get(`/api/v1/employees/${id}`).set(bearer(admin));
  const facets = async () =>
    (await sut.http().get('/api/v1/employees').set(bearer(admin))).body.facets as {
      enrolled: number;
      not_enrolled: number;
    };

  it('follows enrolment and template removal', async () => {
    const biden = await createPerson(sut, admin, 'Joe');
    await createPerson(sut, admin, 'Nobody');
    assert.deepEqual((await person(biden)).body.enrolment, { templates: 0, angles: [] });
    assert.deepEqual(await facets(), { ...(await facets()), enrolled: 0, not_enrolled: 2 });

    const enrolled = await enrolPhotos(sut, admin, biden, photosOf('knn', 'train', 'biden'));
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    const templates = enrolled.body.accepted as { id: string }[];
    assert.deepEqual((await person(biden)).body.enrolment, { templates: templates.length, angles: ['other'] });
    assert.deepEqual([(await facets()).enrolled, (await facets()).not_enrolled], [1, 1]);

    for (const template of templates) {
      const removed = await sut.http().delete(`/api/v1/employees/${biden}/faces/${template.id}`).set(bearer(admin));
      assert.equal(removed.status, 204);
    }
    assert.deepEqual((await person(biden)).body.enrolment, { templates: 0, angles: [] });
    assert.deepEqual([(await facets()).enrolled, (await facets()).not_enrolled], [0, 2]);
  });
});
