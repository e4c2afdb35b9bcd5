import { connect } from 'node:net';
import { Injectable } from '@nestjs/common';

export interface ProbeResult {
  reachable: boolean;
  latencyMs: number | null;
  error: string | null;
}

const ERROR_NAMES: Record<string, string> = {
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  ENOTFOUND: 'host_not_found',
  EAI_AGAIN: 'host_not_found',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
};

/** Opens (and at once closes) TCP connections to camera streams: the one class here that touches the network. */
@Injectable()
export class StreamProbe {
  /** Whether `host:port` accepts a TCP connection within `timeoutMs` (name lookup included). Never throws. */
  connect(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return Promise.resolve({ reachable: false, latencyMs: null, error: 'invalid_port' });
    }
    const started = performance.now();
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const socket = connect({ host, port });
      const timer = setTimeout(() => finish({ reachable: false, latencyMs: null, error: 'timeout' }), timeoutMs);
      socket.once('connect', () =>
        finish({ reachable: true, latencyMs: Math.round((performance.now() - started) * 10) / 10, error: null }),
      );
      socket.once('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? 'connection_failed';
        finish({ reachable: false, latencyMs: null, error: ERROR_NAMES[code] ?? code.toLowerCase() });
      });
    });
  }
}
