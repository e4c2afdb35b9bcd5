import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { hostKey, isPublicAddress, literalAddress } from './webhook-address.js';

/** What one POST ended with: the receiver's status (null when none came), how long it took, and what went wrong. */
export interface SendResult {
  statusCode: number | null;
  success: boolean;
  durationMs: number;
  error: string | null;
}

/** The receiver's answer is read (to free the connection) but only this much of it is kept out of the log. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** The host resolved to an address webhooks may not reach. */
class AddressRefused extends Error {
  readonly code = 'EADDRREFUSED';
}

/**
 * Resolves like dns.lookup, but fails when any address of the name is not public: the address checked is the one
 * connected to, so a name that changes its answer between a check and the connection (DNS rebinding) gains nothing.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused || addresses.length === 0) {
      const what = refused ? `${refused.address}, which is not a public address` : 'no address';
      return callback(new AddressRefused(`${hostname} resolves to ${what}`), '', 0);
    }
    if (options.all) return (callback as (e: null, all: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

/**
 * The one class that sends webhook requests: a POST with a timeout over the whole exchange, no redirects followed,
 * and only to public addresses unless the host is in WEBHOOK_ALLOWED_HOSTS.
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  /** Why the URL may not receive webhooks, or null when it may (names are checked again as they resolve). */
  refusal(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs can receive webhooks';
    if (this.config.webhooks.allowedHosts.has(hostKey(url))) return null;
    const address = literalAddress(url);
    if (address !== null && !isPublicAddress(address)) return `${address} is not a public address`;
    return null;
  }

  async post(target: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = Date.now();
    const finish = (statusCode: number | null, error: string | null): SendResult => ({
      statusCode,
      success: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
      durationMs: Date.now() - started,
      error: error ?? (statusCode !== null && (statusCode < 200 || statusCode >= 300) ? `HTTP ${statusCode}` : null),
    });
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return finish(null, 'invalid URL');
    }
    const refusal = this.refusal(url);
    if (refusal) return finish(null, `address refused: ${refusal}`);
    const allowed = this.config.webhooks.allowedHosts.has(hostKey(url));
    try {
      const statusCode = await this.exchange(url, body, headers, allowed ? undefined : publicOnlyLookup);
      return finish(statusCode, null);
    } catch (error) {
      return finish(null, describe(error));
    }
  }

  private exchange(
    url: URL,
    body: string,
    headers: Record<string, string>,
    lookup: LookupFunction | undefined,
  ): Promise<number> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const request = send(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        ...(lookup ? { lookup } : {}),
      });
      const timeout = new Error(`timed out after ${this.config.webhooks.timeoutMs} ms`);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(timeout);
      }, this.config.webhooks.timeoutMs);
      request.on('response', (response: IncomingMessage) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        // An answer whose body is still coming when the time is up counts as a timeout, whatever its status.
        response.on('close', () => {
          clearTimeout(timer);
          if (timedOut) reject(timeout);
          else resolve(response.statusCode ?? 0);
        });
        response.on('error', () => undefined);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof AddressRefused) return `address refused: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
