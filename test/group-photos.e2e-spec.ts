import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bearer, loginAsAdmin, type Session } from './support/api-client.js';
import { createPerson, identify, photosOf } from './support/people.js';
import { facePath, sharedModelsDir } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const GROUP_PHOTOS = ['bbt1.jpg', 'bbt2.jpg', 'bbt3.jpg', 'bbt4.jpg', 'bbt5.jpg'];

describe('attendance from group photos (bbt)', () => {
  let sut: TestApp;
  let admin: Session;
  const idToName = new Map<string, string>();

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
  });
  after(() => sut.close());

  it('enrols the 8 people from their 5 grey face crops each', async () => {
    for (const name of CAST) {
      const id = await createPerson(sut, admin, name, { kind: 'student' });
      idToName.set(id, name);
      let request = sut
        .http()
        .post(`/api/v1/employees/${id}/faces?wait=true`)
        .set(bearer(admin))
        // Archive crops: grey, tight, printed-looking; liveness is for live captures.
        .field('check_liveness', 'false');
      for (const parts of photosOf('bbt', name))
        request = request.attach('images', readFileSync(facePath(...parts)), parts.at(-1));
      const response = await request;
      assert.equal(response.status, 201, `${name}: ${JSON.stringify(response.body)}`);
      assert.ok(
        response.body.accepted.length >= 3,
        `${name}: ${response.body.accepted.length} of 5 accepted: ${JSON.stringify(response.body.rejected)}`,
      );
    }
  });

  it('names people in the five group photos without a wrong name', async () => {
    let found = 0;
    let faces = 0;
    for (const photo of GROUP_PHOTOS) {
      const response = await identify(sut, admin, ['bbt', photo]);
      assert.equal(response.status, 200);
      faces += response.body.faces_detected;
      const names = response.body.faces
        .filter((face: { recognized: boolean }) => face.recognized)
        .map((face: { person: { id: string } }) => idToName.get(face.person.id));
      assert.equal(new Set(names).size, names.length, `${photo}: one person named twice`);
      found += names.length;
      console.log(`# ${photo}: ${response.body.faces_detected} faces, recognised ${names.join(', ') || 'nobody'}`);
    }
    console.log(`# bbt group photos: ${found} of ${faces} faces named`);
    assert.ok(found >= GROUP_PHOTOS.length, `only ${found} people named in ${GROUP_PHOTOS.length} photos`);
  });
});
