import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer } from './support/api-client.js';
import { createPerson, enrollPhotos, photosOf } from './support/people.js';
import { useTestApp } from './support/use-test-app.js';

/**
 * The people feature shows each person's enrollment (templates and angles, the enrolled facet) without reading the
 * faces feature's table: faces keeps the summary on the person in step with every enrollment and removal.
 */
describe('enrollment summary of people', () => {
  const context = useTestApp();

  const person = (id: string) => context.sut.http().get(`/api/v1/employees/${id}`).set(bearer(context.superAdmin));
  const facets = async () =>
    (await context.sut.http().get('/api/v1/employees?facets=true').set(bearer(context.superAdmin))).body.facets as {
      enrolled: number;
      not_enrolled: number;
    };

  it('follows enrollment and template removal', async () => {
    const biden = await createPerson(context.sut, context.superAdmin, 'Joe');
    await createPerson(context.sut, context.superAdmin, 'Nobody');
    assert.deepEqual((await person(biden)).body.enrollment, { templates: 0, angles: [] });
    assert.deepEqual(await facets(), { ...(await facets()), enrolled: 0, not_enrolled: 2 });

    const enrolled = await enrollPhotos(context.sut, context.superAdmin, biden, photosOf('knn', 'train', 'biden'));
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    const templates = enrolled.body.accepted as { id: string }[];
    assert.deepEqual((await person(biden)).body.enrollment, { templates: templates.length, angles: ['other'] });
    assert.deepEqual([(await facets()).enrolled, (await facets()).not_enrolled], [1, 1]);

    for (const template of templates) {
      const removed = await context.sut
        .http()
        .delete(`/api/v1/employees/${biden}/faces/${template.id}`)
        .set(bearer(context.superAdmin));
      assert.equal(removed.status, 204);
    }
    assert.deepEqual((await person(biden)).body.enrollment, { templates: 0, angles: [] });
    assert.deepEqual([(await facets()).enrolled, (await facets()).not_enrolled], [0, 2]);
  });
});
