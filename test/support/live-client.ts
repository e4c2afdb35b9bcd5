import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { hashCameraKey } from '../../src/cameras/camera-key-verifier.js';
import { CameraKey } from '../../src/cameras/camera-key.entity.js';
import { Camera } from '../../src/cameras/camera.entity.js';
import { DomainEventBus } from '../../src/events/domain-event-bus.js';
import type { DomainEventName, DomainEvents, PresenceDetection } from '../../src/events/domain-events.js';
import { uniqueName } from './api-client.js';
import type { TestApp } from './test-app.js';

/** What a refused handshake carries in `connect_error`. */
export interface Refusal {
  message: string;
  data?: { error: string; message: string };
}

const eventsUrl = (sut: TestApp) =>
  `http://127.0.0.1:${((sut.app.getHttpServer() as Server).address() as AddressInfo).port}/events`;

/** A socket.io-client on the app's `/events` namespace (websocket only, no automatic reconnection). */
export function liveClient(sut: TestApp, auth: Record<string, unknown> | undefined): Socket {
  return io(eventsUrl(sut), { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Connects; resolves with the connected socket, rejects with the refusal. Closed with the test's `sockets`. */
export function connectLive(sut: TestApp, auth: Record<string, unknown> | undefined, sockets?: Socket[]) {
  const socket = liveClient(sut, auth);
  sockets?.push(socket);
  return new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error: Error & Refusal) => {
      socket.close();
      reject(error);
    });
  });
}

/** The refusal of a handshake that must fail. */
export async function refusalOf(sut: TestApp, auth: Record<string, unknown> | undefined): Promise<Refusal> {
  try {
    const socket = await connectLive(sut, auth);
    socket.close();
  } catch (error) {
    return error as Refusal;
  }
  throw new Error('the socket connected');
}

/** Every payload of `event` the socket receives from now on. */
export function collect<T = Record<string, unknown>>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** The next payload of `event`, or a rejection after `timeoutMs`. */
export function nextEvent<T = Record<string, unknown>>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves with the disconnect reason, or rejects after `timeoutMs`. */
export function disconnection(socket: Socket, timeoutMs = 5000): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Sends a message and waits for its acknowledgement. */
export function request<T = Record<string, unknown>>(socket: Socket, event: string, body: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, body) as Promise<T>;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes a domain event through the app's bus, in a transaction of its own, as a feature would. */
export async function publish<E extends DomainEventName>(sut: TestApp, event: E, payload: DomainEvents[E]) {
  const bus = sut.app.get(DomainEventBus);
  await sut.app.get(DataSource).transaction((manager) => bus.publish(manager, event, payload));
}

/** Stores a camera (the cameras API belongs to another feature) and returns its id. */
export async function createCamera(
  sut: TestApp,
  organizationId: string,
  fields: Partial<Camera> = {},
): Promise<string> {
  const cameras = sut.app.get(DataSource).getRepository(Camera);
  return (await cameras.save(cameras.create({ organizationId, name: uniqueName('camera'), ...fields }))).id;
}

/** Stores a device key of the camera and returns the key itself (shown once) and its id. */
export async function createCameraKey(sut: TestApp, organizationId: string, cameraId: string) {
  const apiKey = `fgk_${randomBytes(24).toString('base64url')}`;
  const keys = sut.app.get(DataSource).getRepository(CameraKey);
  const row = await keys.save(
    keys.create({ organizationId, cameraId, prefix: apiKey.slice(0, 8), keyHash: hashCameraKey(apiKey) }),
  );
  return { id: row.id, apiKey };
}

/** A detection as presence reports it: a recognised person unless `fields` say otherwise. */
export function detection(fields: Partial<PresenceDetection> = {}): PresenceDetection {
  return {
    eventId: uuidOf(uniqueName('presence-event')),
    isNewEvent: true,
    seenCount: 1,
    eventType: 'in',
    reviewStatus: 'not_required',
    bbox: { x: 10, y: 20, width: 100, height: 120 },
    matched: true,
    personId: uuidOf(uniqueName('person')),
    personName: 'Barack Obama',
    personCode: 'ENG-2026-0001',
    kind: 'employee',
    matchConfidence: 0.93,
    liveness: { passed: true, score: 0.98 },
    isAnomaly: false,
    anomalyReason: null,
    thumbnailUrl: `/api/v1/files/${uuidOf(uniqueName('file'))}`,
    modelsUsed: ['blazeface', 'dlib_resnet_v1'],
    ...fields,
  };
}

/** A stable UUID-shaped id made from a name. */
export function uuidOf(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An HS256 JWT signed with `secret`, as the app signs access tokens. */
export function signHs256(payload: object, secret: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The claims of an access token the app issued. */
export function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}
