import type { AuthUser } from '../access/auth-user.js';
import type { DevicePrincipal } from '../access/device-principal.js';
import { Permission } from '../access/permissions.js';

/**
 * The feeds a socket can be on, and the permission each needs: `cameras` carries what cameras see (recognition,
 * presence.unknown, presence.anomaly, camera.status), `people` carries enrollment news (enrollment.completed), `attendance` carries
 * attendance.marked (which also reaches the person's own user room), `security` carries the visitor desk's news
 * (visitor.checked_in, which also reaches the host's user room, and visitor.watchlist_hit).
 */
export const FEED_PERMISSION = {
  cameras: Permission.CamerasRead,
  people: Permission.EmployeesRead,
  attendance: Permission.AttendanceRead,
  security: Permission.VisitorsWrite,
} as const;

export type Feed = keyof typeof FEED_PERMISSION;

export const FEEDS = Object.keys(FEED_PERMISSION) as Feed[];

/** Room names. Events are emitted to rooms only, so a socket hears exactly what its rooms carry. */
export const LiveRoom = {
  /** An organisation's feed. */
  feed: (organizationId: string, feed: Feed) => `org:${organizationId}:${feed}`,
  /** Every organisation's feed: the super admin's, unless it connected to one organisation. */
  allFeed: (feed: Feed) => `all:${feed}`,
  user: (userId: string) => `user:${userId}`,
  camera: (cameraId: string) => `camera:${cameraId}`,
  location: (locationId: string) => `location:${locationId}`,
};

/** Who a socket is, as its handshake proved. */
export type LivePrincipal =
  | {
      kind: 'user';
      user: AuthUser;
      /** The organisation the super admin asked for at the handshake; null: every organisation. */
      organizationScope: string | null;
      expiresAt: Date;
    }
  | { kind: 'device'; device: DevicePrincipal };

/** The rooms an event about a camera goes to: its organisation's camera feed, every organisation's, its camera's and its location's. */
export function cameraEventRooms(event: { organizationId: string; cameraId: string; locationId: string | null }) {
  const rooms = [
    LiveRoom.feed(event.organizationId, 'cameras'),
    LiveRoom.allFeed('cameras'),
    LiveRoom.camera(event.cameraId),
  ];
  if (event.locationId) rooms.push(LiveRoom.location(event.locationId));
  return rooms;
}

/** The feed room of a principal, or null when it may not hear that feed. */
export function feedRoomOf(principal: LivePrincipal, feed: Feed): string | null {
  if (principal.kind === 'device') return null;
  const { user, organizationScope } = principal;
  if (!user.permissions.has(FEED_PERMISSION[feed])) return null;
  return user.isSuperAdmin && organizationScope === null
    ? LiveRoom.allFeed(feed)
    : LiveRoom.feed(user.organizationId, feed);
}

/**
 * The rooms a socket joins at connection. A user: their own room and each feed their permissions allow, of their
 * organisation (a super admin: of every organisation, unless it named one). A camera key: its camera's room only,
 * since a key acts only for its own camera.
 */
export function homeRoomsOf(principal: LivePrincipal): string[] {
  if (principal.kind === 'device') return [LiveRoom.camera(principal.device.cameraId)];
  const feeds = FEEDS.map((feed) => feedRoomOf(principal, feed)).filter((room) => room !== null);
  return [LiveRoom.user(principal.user.id), ...feeds];
}
