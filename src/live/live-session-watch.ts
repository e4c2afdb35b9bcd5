import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { LiveHandshake } from './live-handshake.js';
import { homeRoomsOf } from './live-rooms.js';
import { LiveSockets, type LiveSocket } from './live-sockets.js';

/** How often connected sockets are checked again. */
export const RECHECK_INTERVAL_MS = 30_000;

/**
 * Ends sockets whose access ended without a `user.access_revoked` event: a deactivated organisation, a logout or
 * password change (the token's login ended), a revoked camera key or deactivated camera, a role that lost a
 * permission. Every RECHECK_INTERVAL_MS each socket's handshake credentials go through the same check again (a
 * cache hit on most sockets); a socket that fails is told why and disconnected, one whose rooms would differ is
 * disconnected to reconnect with them. Token expiry and revocations end sockets at once (LiveSockets, the listener).
 */
@Injectable()
export class LiveSessionWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveSessionWatch.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sockets: LiveSockets,
    private readonly handshake: LiveHandshake,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.recheck(), RECHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Checks every socket of this instance once (a check already under way is joined, not doubled). */
  recheck(): Promise<void> {
    this.running ??= this.checkAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkAll(): Promise<void> {
    for (const socket of this.sockets.connected()) {
      if (socket.connected) await this.check(socket);
    }
  }

  private async check(socket: LiveSocket): Promise<void> {
    try {
      const principal = await this.handshake.admit(socket.handshake.auth);
      if (!sameRooms(homeRoomsOf(principal), homeRoomsOf(socket.data.principal))) {
        this.sockets.end(socket, 'access_changed', 'Your permissions changed; connect again');
        return;
      }
      socket.data.principal = principal;
    } catch (error) {
      if (error instanceof ApiError && error.getStatus() < 500) {
        this.sockets.end(socket, error.code, error.message);
        return;
      }
      this.logger.warn(`Could not re-check socket ${socket.id}: ${(error as Error).message}`);
    }
  }
}

function sameRooms(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((room) => b.includes(room));
}
