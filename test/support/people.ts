import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { bearer, type Session, uniqueName } from './api-client.js';
import type { Json } from './api-calls.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/**
 * Creates a person (employee or student) in the caller's organisation and returns the created record. Defaults: a
 * new first name, last name "Test", kind employee; `fields` are the API's snake_case fields and win.
 */
export async function createPersonRecord(app: TestApp, session: Session, fields: object = {}): Promise<Json> {
  const response = await app
    .http()
    .post('/api/v1/employees')
    .set(bearer(session))
    .send({ first_name: uniqueName('Person'), last_name: 'Test', ...fields });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body as Json;
}

/** Creates a person in the caller's organisation and returns its id. */
export async function createPerson(
  app: TestApp,
  session: Session,
  firstName: string = uniqueName('Person'),
  extra: object = {},
): Promise<string> {
  return String((await createPersonRecord(app, session, { first_name: firstName, ...extra })).id);
}

/** A photo to upload: a path under shared/faces (sent as `images`), or bytes under a form field of their own. */
export type Photo = string[] | { field: string; bytes: Buffer; name?: string };

export interface EnrollOptions {
  /** Sent as `check_liveness`; archive crops (grey, printed-looking) need false. Default: the service's. */
  checkLiveness?: boolean;
}

/** Enrolls the photos through the API and waits for the result; answers the raw response. */
export function enrollPhotos(
  app: TestApp,
  session: Session,
  personId: string,
  photos: Photo[],
  { checkLiveness }: EnrollOptions = {},
) {
  let request = app.http().post(`/api/v1/employees/${personId}/faces?wait=true`).set(bearer(session));
  if (checkLiveness !== undefined) request = request.field('check_liveness', String(checkLiveness));
  for (const photo of photos) {
    request = Array.isArray(photo)
      ? request.attach('images', readFileSync(facePath(...photo)), photo.at(-1))
      : request.attach(photo.field, photo.bytes, photo.name ?? `${photo.field}.jpg`);
  }
  return request;
}

export interface Enrollment {
  accepted: (Json & { id: string; photo_id: string; thumbnail_id: string })[];
  rejected: Json[];
}

/** Enrolls the photos, asserting the enrollment was stored (201); returns the accepted and rejected photos. */
export async function enrollFaces(
  app: TestApp,
  session: Session,
  personId: string,
  photos: Photo[],
  options: EnrollOptions = {},
): Promise<Enrollment> {
  const response = await enrollPhotos(app, session, personId, photos, options);
  assert.equal(response.status, 201, `enrollment: ${JSON.stringify(response.body)}`);
  return response.body as Enrollment;
}

/** Creates a person (see createPersonRecord for `fields`) and enrolls the photos; returns its id and the enrollment. */
export async function createEnrolledPerson(
  app: TestApp,
  session: Session,
  photos: Photo[],
  fields: object = {},
  options: EnrollOptions = {},
): Promise<Enrollment & { id: string }> {
  const id = String((await createPersonRecord(app, session, fields)).id);
  return { id, ...(await enrollFaces(app, session, id, photos, options)) };
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

export interface PeopleFacets {
  total: number;
  active: number;
  inactive: number;
  by_department: { department_id: string | null; code: string | null; name: string | null; count: number }[];
  enrolled: number;
  not_enrolled: number;
}

export interface PeoplePage {
  count: number;
  next: string | null;
  previous: string | null;
  results: Json[];
  /** Only with `facets=true`. */
  facets?: PeopleFacets;
}

/** GET /employees with a query string (`?kind=student`), asserting 200. */
export async function listPeople(app: TestApp, session: Session, query = ''): Promise<PeoplePage> {
  const response = await app.http().get(`/api/v1/employees${query}`).set(bearer(session));
  assert.equal(response.status, 200, `GET /employees${query}: ${JSON.stringify(response.body)}`);
  return response.body as PeoplePage;
}
