import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loginAsAdmin, type Session } from './support/api-client.js';
import { createEnrolledPerson, type Enrollment, identify, photosOf } from './support/people.js';
import { sharedModelsDir } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const CAST = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
/** Who is in each group photo (every face in them is one of the cast; stuart is in none). */
const GROUP_PHOTOS: Record<string, string[]> = {
  'bbt1.jpg': ['howard', 'leonard', 'raj', 'sheldon'],
  'bbt2.jpg': ['leonard', 'raj', 'sheldon'],
  'bbt3.jpg': ['howard', 'leonard', 'penny', 'raj', 'sheldon'],
  'bbt4.jpg': ['amy', 'bernadette', 'leonard', 'penny', 'raj', 'sheldon'],
  'bbt5.jpg': ['howard', 'leonard', 'penny', 'raj', 'sheldon'],
};

describe('attendance from group photos (bbt)', () => {
  let sut: TestApp;
  let admin: Session;
  const idToName = new Map<string, string>();
  const enrollments = new Map<string, Enrollment>();

  before(async () => {
    sut = await startTestApp({ MODELS_DIR: sharedModelsDir });
    admin = await loginAsAdmin(sut);
    for (const name of CAST) {
      // Archive crops: grey, tight, printed-looking; liveness is for live captures.
      const fields = { first_name: name, kind: 'student' };
      const enrolled = await createEnrolledPerson(sut, admin, photosOf('bbt', name), fields, { checkLiveness: false });
      idToName.set(enrolled.id, name);
      enrollments.set(name, enrolled);
    }
  });
  after(() => sut.close());

  it('enrolls the 8 people from their 5 grey face crops each', () => {
    for (const [name, { accepted, rejected }] of enrollments) {
      assert.ok(accepted.length >= 3, `${name}: ${accepted.length} of 5 accepted: ${JSON.stringify(rejected)}`);
    }
  });

  it('names every one of the 23 faces in the five group photos, each the right person', async () => {
    let found = 0;
    let faces = 0;
    for (const [photo, cast] of Object.entries(GROUP_PHOTOS)) {
      const response = await identify(sut, admin, ['bbt', photo]);
      assert.equal(response.status, 200);
      const names = (response.body.faces as { recognized: boolean; person: { id: string } | null }[])
        .filter((face) => face.recognized)
        .map((face) => idToName.get(face.person!.id));
      console.log(`# ${photo}: ${response.body.faces_detected} faces, recognised ${names.join(', ') || 'nobody'}`);
      assert.equal(response.body.faces_detected, cast.length, `${photo}: faces detected`);
      assert.deepEqual(names.sort(), cast, `${photo}: who was named`);
      faces += Number(response.body.faces_detected);
      found += names.length;
    }
    assert.deepEqual([found, faces], [23, 23], 'faces named, faces in the photos');
  });
});
