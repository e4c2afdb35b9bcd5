import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const STATUS_BY_PARSER_ERROR: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request_header_fields_too_large'],
  HPE_URI_TOO_LONG: [414, 'URI Too Long', 'uri_too_long'],
};

/**
 * Requests Node's HTTP parser refuses (an unknown method, a broken request line, oversized headers) never reach
 * Express; Node answers them with an empty 400. This answers them in the API's error shape instead, so a client
 * or proxy parsing our errors always finds `{ error, message, trace_id }`.
 */
export function answerMalformedRequestsInJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, code] = STATUS_BY_PARSER_ERROR[error.code ?? ''] ?? [
      400,
      'Bad Request',
      'malformed_request',
    ];
    const traceId = randomUUID();
    const body = JSON.stringify({ error: code, message: 'The HTTP request is malformed', trace_id: traceId });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${traceId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
