import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { Permission } from '../access/permissions.js';
import { CameraLookup } from '../cameras/camera-lookup.js';
import { ApiError } from '../common/api-error.js';
import { LocationsService } from '../locations/locations.service.js';
import type { SubscriptionAnswer } from './live-events.js';
import { feedRoomOf, LiveRoom } from './live-rooms.js';
import type { LiveSocket } from './live-sockets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** More rooms than a wall of screens needs; beyond this a client should use the organisation's feed. */
const MAX_SUBSCRIPTIONS = 100;

type Target = { kind: 'camera' | 'location'; id: string };
type Refusal = Extract<SubscriptionAnswer, { error: string }>;

const refusal = (error: string, message: string): Refusal => ({ error, message });

/**
 * `subscribe` / `unsubscribe` `{ camera_id }` or `{ location_id }`. Subscribing narrows a user's camera feed to
 * the cameras and locations it names (the socket leaves its organisation's camera feed); unsubscribing from the
 * last returns it to the whole feed. It needs `cameras:read` and a camera or location of the socket's
 * organisation (another organisation's id answers not_found, like an unknown one). Camera keys cannot subscribe.
 */
@Injectable()
export class LiveSubscriptions {
  constructor(
    private readonly cameras: CameraLookup,
    private readonly locations: LocationsService,
  ) {}

  async subscribe(socket: LiveSocket, body: unknown): Promise<SubscriptionAnswer> {
    const { principal } = socket.data;
    if (principal.kind === 'device') return refusal('forbidden', 'A camera key hears its own camera only');
    if (!principal.user.permissions.has(Permission.CamerasRead)) {
      return refusal('forbidden', `This needs the permission ${Permission.CamerasRead}`);
    }
    const target = parseTarget(body);
    if ('error' in target) return target;
    const room = roomOf(target);
    if (socket.data.subscriptions.includes(room)) return { ok: true };
    if (socket.data.subscriptions.length >= MAX_SUBSCRIPTIONS) {
      return refusal('too_many_subscriptions', `A socket may hold at most ${MAX_SUBSCRIPTIONS} subscriptions`);
    }
    if (!(await this.belongs(principal.user, target))) {
      return refusal('not_found', `${target.kind === 'camera' ? 'Camera' : 'Location'} not found`);
    }
    if (socket.disconnected) return refusal('disconnected', 'The socket has disconnected');
    socket.data.subscriptions = [...socket.data.subscriptions, room];
    await socket.join(room);
    const feed = feedRoomOf(principal, 'cameras');
    if (feed) await socket.leave(feed);
    return { ok: true };
  }

  async unsubscribe(socket: LiveSocket, body: unknown): Promise<SubscriptionAnswer> {
    const target = parseTarget(body);
    if ('error' in target) return target;
    const room = roomOf(target);
    if (!socket.data.subscriptions.includes(room)) return { ok: true };
    socket.data.subscriptions = socket.data.subscriptions.filter((subscribed) => subscribed !== room);
    await socket.leave(room);
    const feed = feedRoomOf(socket.data.principal, 'cameras');
    if (feed && socket.data.subscriptions.length === 0 && socket.connected) await socket.join(feed);
    return { ok: true };
  }

  private async belongs(user: AuthUser, target: Target): Promise<boolean> {
    if (target.kind === 'camera') return this.cameras.existsInOrganization(user.organizationId, target.id);
    try {
      await this.locations.get(user, target.id);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') return false;
      throw error;
    }
  }
}

function parseTarget(body: unknown): Target | Refusal {
  const invalid = refusal('validation_error', 'Send { camera_id } or { location_id }: one id (a UUID)');
  if (typeof body !== 'object' || body === null) return invalid;
  const fields = Object.entries(body as Record<string, unknown>);
  if (fields.length !== 1) return invalid;
  const [[field, id]] = fields;
  if (typeof id !== 'string' || !UUID.test(id)) return invalid;
  if (field === 'camera_id') return { kind: 'camera', id };
  if (field === 'location_id') return { kind: 'location', id };
  return invalid;
}

const roomOf = (target: Target) =>
  target.kind === 'camera' ? LiveRoom.camera(target.id) : LiveRoom.location(target.id);
