import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';

/** Clients only send small subscription messages; anything bigger is cut off. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Socket.IO on the HTTP server, with the API's CORS allowlist (browsers' long-polling requests need it), a small
 * message limit, and the client script served at `/socket.io/socket.io.js` for the dashboard.
 */
export class LiveSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      serveClient: true,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: { origin: origins.includes('*') ? true : origins, credentials: true },
    } as ServerOptions);
  }
}
