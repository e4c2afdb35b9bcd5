import { type INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';

/** Clients only send small subscription messages; anything bigger is cut off. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/** Where payloads too large for a NOTIFY go (created by a migration). */
const ATTACHMENTS_TABLE = 'socket_io_attachments';

/**
 * Socket.IO on the HTTP server, with the API's CORS allowlist (browsers' long-polling requests need it), a small
 * message limit, and the client script served at `/socket.io/socket.io.js` for the dashboard. On PostgreSQL the
 * Socket.IO PostgreSQL adapter (LISTEN/NOTIFY) carries every emit, and every disconnection of a user's sockets, to
 * the other API instances on the same database, so a client hears its events whichever instance it is connected to.
 * The embedded database serves one instance, which needs no adapter.
 */
export class LiveSocketAdapter extends IoAdapter {
  private readonly pools: pg.Pool[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      serveClient: true,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: { origin: this.config.cors.origin, credentials: this.config.cors.credentials },
    } as ServerOptions);
    if (this.config.databaseUrl) server.adapter(this.postgresAdapter(this.config.databaseUrl));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.pools.splice(0).map((pool) => pool.end()));
  }

  private postgresAdapter(databaseUrl: string) {
    const logger = new Logger(LiveSocketAdapter.name);
    // One connection listens; another sends. Errors are logged: the adapter reconnects by itself.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    pool.on('error', (error) => logger.warn(`Socket.IO PostgreSQL adapter: ${error.message}`));
    // The adapter keeps its listening client checked out without an 'error' listener: a database restart would
    // throw that client's error and end the process. Every client of this pool gets one; the adapter then sees the
    // client end and reconnects.
    pool.on('connect', (client) =>
      client.on('error', (error) => logger.warn(`Socket.IO PostgreSQL adapter connection: ${error.message}`)),
    );
    this.pools.push(pool);
    return createAdapter(pool, {
      tableName: ATTACHMENTS_TABLE,
      errorHandler: (error: Error) => logger.warn(`Socket.IO PostgreSQL adapter: ${error.message}`),
    });
  }
}
