import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent (the signature covers these bytes). */
  rawBody: string;
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers with the status `answer(path, n)` gives for
 * the n-th request (1-based) to that path (default 200); for 0 it never answers.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly server: Server;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly answer: (path: string, n: number) => number = () => 200) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.received.push({ path, headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        const n = this.received.filter((entry) => entry.path === path).length;
        const status = this.answer(path, n);
        if (status !== 0) response.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok');
        for (const wake of this.waiters) wake();
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  /** The requests to `path`, once there are at least `count` of them (rejects after `timeoutMs`). */
  async requestsTo(path: string, count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter((entry) => entry.path === path);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${path} received ${matching.length} of ${count} requests`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}
