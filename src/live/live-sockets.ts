import { Injectable } from '@nestjs/common';
import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import type { LiveClientEvents, LiveEventName, LiveEvents, LiveServerEvents } from './live-events.js';
import { homeRoomsOf, LiveRoom, type LivePrincipal } from './live-rooms.js';

/** What the server keeps on each socket. */
export interface LiveSocketData {
  principal: LivePrincipal;
  /** Camera and location rooms the socket subscribed to (its camera feed is narrowed to them). */
  subscriptions: string[];
}

export type LiveSocket = Socket<LiveClientEvents, LiveServerEvents, DefaultEventsMap, LiveSocketData>;
export type LiveNamespace = Namespace<LiveClientEvents, LiveServerEvents, DefaultEventsMap, LiveSocketData>;

/** setTimeout's ceiling (about 24.8 days); a later expiry is re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The one class around the Socket.IO namespace `/events`: emits events of the typed map to rooms, puts sockets in
 * their rooms, and ends sessions (at token expiry, on revocation, after a failed re-check), each time telling
 * the socket why (`session.ended`) before disconnecting it.
 */
@Injectable()
export class LiveSockets {
  private namespace: LiveNamespace | undefined;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  attach(namespace: LiveNamespace): void {
    this.namespace = namespace;
  }

  /** Sends the event once to every socket in any of the rooms. */
  emit<E extends LiveEventName>(rooms: string[], event: E, payload: LiveEvents[E]): void {
    if (!this.namespace || rooms.length === 0) return;
    this.namespace.to(rooms).emit(event, ...([payload] as Parameters<LiveServerEvents[E]>));
  }

  /** A socket that passed the handshake: its home rooms, and its end when its access token expires. */
  welcome(socket: LiveSocket): void {
    void socket.join(homeRoomsOf(socket.data.principal));
    this.armExpiry(socket);
  }

  /** Sockets connected to this instance. */
  get clientCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  forget(socket: LiveSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  end(socket: LiveSocket, reason: string, message: string): void {
    socket.emit('session.ended', { reason, message });
    socket.disconnect();
  }

  /** Ends every socket of the user, on every instance the adapter reaches. */
  endSessionsOf(userId: string, reason: string, message: string): void {
    if (!this.namespace) return;
    const room = LiveRoom.user(userId);
    this.namespace.to(room).emit('session.ended', { reason, message });
    this.namespace.in(room).disconnectSockets();
  }

  /** The sockets connected to this instance. */
  connected(): LiveSocket[] {
    return this.namespace ? [...this.namespace.sockets.values()] : [];
  }

  private armExpiry(socket: LiveSocket): void {
    const { principal } = socket.data;
    if (principal.kind !== 'user') return;
    const delay = principal.expiresAt.getTime() - Date.now();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) return this.armExpiry(socket);
        this.end(socket, 'token_expired', 'The access token has expired; connect again with a new one');
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    timer.unref();
    this.expiryTimers.set(socket.id, timer);
  }
}
