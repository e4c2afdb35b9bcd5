import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { hashCameraKey } from '../../src/cameras/camera-key-verifier.js';
import { CameraKey } from '../../src/cameras/camera-key.entity.js';
import { Camera } from '../../src/cameras/camera.entity.js';
import { DomainEventBus } from '../../src/events/domain-event-bus.js';
import type { DomainEventName, DomainEvents } from '../../src/events/domain-events.js';
import { bearer, type Session, uniqueName } from './api-client.js';
import type { Json } from './api-calls.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/**
 * Cameras and keys for presence tests, written through the app's own TypeORM repositories (the cameras' HTTP API
 * is another feature's), and frames posted as a device or a user.
 */
export async function createCamera(
  app: TestApp,
  organizationId: string,
  fields: Partial<Camera> = {},
): Promise<Camera> {
  const cameras = app.app.get(DataSource).getRepository(Camera);
  return cameras.save(cameras.create({ organizationId, name: uniqueName('camera'), direction: 'in', ...fields }));
}

/** A new API key of the camera; returns the key as a device would send it, and its row id. */
export async function createCameraKey(app: TestApp, camera: Camera): Promise<{ apiKey: string; id: string }> {
  const apiKey = `fgk_${randomBytes(24).toString('base64url')}`;
  const keys = app.app.get(DataSource).getRepository(CameraKey);
  const row = await keys.save(
    keys.create({
      cameraId: camera.id,
      organizationId: camera.organizationId,
      prefix: apiKey.slice(0, 8),
      keyHash: hashCameraKey(apiKey),
    }),
  );
  return { apiKey, id: row.id };
}

export async function createLocation(app: TestApp, session: Session, name = uniqueName('Gate')): Promise<string> {
  const response = await app.http().post('/api/v1/locations').set(bearer(session)).send({ name });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return (response.body as { id: string }).id;
}

/** Who posts a frame: a camera key, or a user's session. */
export type FrameSender = { apiKey: string } | Session;

export interface FrameOptions {
  frameTime?: string;
  /** Bytes to send instead of a shared photo. */
  bytes?: Buffer;
}

/** POST /cameras/:id/frames with a shared photo (path under shared/faces) or bytes. */
export function postFrame(
  app: TestApp,
  cameraId: string,
  sender: FrameSender,
  photo: string[],
  options: FrameOptions = {},
) {
  let request = app.http().post(`/api/v1/cameras/${cameraId}/frames`);
  request = 'apiKey' in sender ? request.set('X-Api-Key', sender.apiKey) : request.set(bearer(sender));
  if (options.frameTime) request = request.field('frame_time', options.frameTime);
  return request.attach('image', options.bytes ?? readFileSync(facePath(...photo)), photo.at(-1) ?? 'frame.jpg');
}

export type Detection = Json & {
  event_id: string;
  matched: boolean;
  person_id: string | null;
  is_new_event: boolean;
  seen_count: number;
  is_unknown_face: boolean;
  is_anomaly: boolean;
  anomaly_reason: string | null;
  review_status: string;
  liveness: { passed: boolean; score: number } | null;
};

/** Posts a frame, asserting the status, and returns its detections. */
export async function frameDetections(
  app: TestApp,
  cameraId: string,
  sender: FrameSender,
  photo: string[],
  status: 200 | 201,
  options: FrameOptions = {},
): Promise<Detection[]> {
  const response = await postFrame(app, cameraId, sender, photo, options);
  assert.equal(response.status, status, `frame ${photo.join('/')}: ${JSON.stringify(response.body)}`);
  return (response.body as { detections: Detection[] }).detections;
}

/** Collects the payloads of a domain event published after commit, from now on. */
export function collectEvents<E extends DomainEventName>(app: TestApp, event: E): DomainEvents[E][] {
  const seen: DomainEvents[E][] = [];
  app.app.get(DomainEventBus).on(event, 'committed', (payload) => {
    seen.push(payload);
  });
  return seen;
}

/** One row of presence_events, as stored. */
export async function storedEvent(app: TestApp, id: string): Promise<Json> {
  const rows = await app.app
    .get(DataSource)
    .query<Json[]>('SELECT *, unknown_embedding IS NOT NULL AS has_embedding FROM presence_events WHERE id = $1', [id]);
  assert.equal(rows.length, 1, `presence event ${id}`);
  return rows[0];
}
