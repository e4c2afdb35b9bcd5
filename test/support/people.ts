import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { bearer, type Session } from './api-client.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/** Creates a person in the caller's organisation and returns its id. */
export async function createPerson(
  app: TestApp,
  session: Session,
  firstName: string,
  extra: object = {},
): Promise<string> {
  const response = await app
    .http()
    .post('/api/v1/employees')
    .set(bearer(session))
    .send({ first_name: firstName, last_name: 'Test', ...extra });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return (response.body as { id: string }).id;
}

/** Enrols the photos (paths under shared/faces) as repeated `images` and waits for the result. */
export async function enrolPhotos(app: TestApp, session: Session, personId: string, photos: string[][]) {
  let request = app.http().post(`/api/v1/employees/${personId}/faces?wait=true`).set(bearer(session));
  for (const parts of photos) request = request.attach('images', readFileSync(facePath(...parts)), parts.at(-1));
  return request;
}

/** The photo files of one person folder, e.g. photosOf('knn', 'train', 'biden'). */
export function photosOf(...folder: string[]): string[][] {
  return readdirSync(facePath(...folder))
    .sort()
    .map((name) => [...folder, name]);
}

export function identify(app: TestApp, session: Session, parts: string[], fields: Record<string, string> = {}) {
  let request = app.http().post('/api/v1/recognition/identify').set(bearer(session));
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  return request.attach('image', readFileSync(facePath(...parts)), parts.at(-1));
}
