import { Logger } from '@nestjs/common';
import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import { ApiError } from '../common/api-error.js';
import type { SubscriptionAnswer } from './live-events.js';
import { LiveHandshake } from './live-handshake.js';
import { LiveSockets, type LiveNamespace, type LiveSocket } from './live-sockets.js';
import { LiveSubscriptions } from './live-subscriptions.js';

/** The refusal a client's `connect_error` carries: `message` and `data: { error, message }`. */
type Refusal = Error & { data: { error: string; message: string } };

/**
 * Socket.IO namespace `/events`. Authentication is a namespace middleware, so a socket that fails it never
 * connects: its client gets `connect_error` with `data.error` (the code HTTP would answer). Message handlers are
 * bound by hand on each admitted socket rather than with `@SubscribeMessage`, because the global AccessGuard
 * refuses every non-HTTP handler by design: the handshake is the socket's authentication.
 */
@WebSocketGateway({ namespace: '/events' })
export class LiveGateway
  implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket>, OnGatewayDisconnect<LiveSocket>
{
  private readonly logger = new Logger(LiveGateway.name);

  constructor(
    private readonly handshake: LiveHandshake,
    private readonly sockets: LiveSockets,
    private readonly subscriptions: LiveSubscriptions,
  ) {}

  afterInit(namespace: LiveNamespace): void {
    this.sockets.attach(namespace);
    // Socket.IO always has the main namespace `/`; nothing is said there, so nobody may hold a connection to it.
    namespace.server.of('/').use((_socket, next) => next(this.refusal(ApiError.notFound('Namespace'))));
    namespace.use((socket, next) => {
      this.handshake.admit(socket.handshake.auth).then(
        (principal) => {
          socket.data = { principal, subscriptions: [] };
          next();
        },
        (error: unknown) => next(this.refusal(error)),
      );
    });
  }

  handleConnection(socket: LiveSocket): void {
    this.sockets.welcome(socket);
    socket.on('subscribe', (body, ack) => this.answer(ack, () => this.subscriptions.subscribe(socket, body)));
    socket.on('unsubscribe', (body, ack) => this.answer(ack, () => this.subscriptions.unsubscribe(socket, body)));
  }

  handleDisconnect(socket: LiveSocket): void {
    this.sockets.forget(socket);
  }

  /** Runs a message's work and answers its acknowledgement, if the client asked for one. */
  private answer(ack: unknown, work: () => Promise<SubscriptionAnswer>): void {
    const reply = typeof ack === 'function' ? (ack as (answer: SubscriptionAnswer) => void) : () => undefined;
    work().then(reply, (error: unknown) => {
      this.logger.error(`Socket message failed: ${(error as Error).message}`, (error as Error).stack);
      reply({ error: 'internal_error', message: 'An unexpected error occurred' });
    });
  }

  private refusal(error: unknown): Refusal {
    const known = error instanceof ApiError && error.getStatus() < 500;
    if (!known) this.logger.error(`Socket handshake failed: ${(error as Error).message}`, (error as Error).stack);
    const data = known
      ? { error: error.code, message: error.message }
      : { error: 'internal_error', message: 'An unexpected error occurred' };
    return Object.assign(new Error(data.message), { data });
  }
}
