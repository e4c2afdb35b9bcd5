import type { LiveEvents } from '../live/live-events.js';

/**
 * The events a webhook may subscribe to: the names and payloads Socket.IO clients get (src/live/live-payloads.ts
 * shapes both), so an integration can move between the socket and webhooks without a second mapping.
 */
export const WEBHOOK_EVENTS = [
  'attendance.marked',
  'presence.unknown',
  'presence.anomaly',
  'visitor.checked_in',
  'visitor.watchlist_hit',
  'enrollment.completed',
  'camera.status',
] as const satisfies readonly (keyof LiveEvents)[];

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What a test (`POST /webhooks/:id/test`) sends; never subscribed to, always delivered. */
export const PING_EVENT = 'ping';

/** The body of every delivery. `id` is the event's: the same at every attempt and every webhook. */
export interface WebhookBody {
  id: string;
  type: WebhookEventType | typeof PING_EVENT;
  organization_id: string;
  created_at: string;
  data: object;
}
