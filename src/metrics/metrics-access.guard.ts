import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { type CanActivate, type ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Who may scrape GET /metrics: nobody when METRICS_ENABLED=false (404, as if there were no such route); with
 * METRICS_TOKEN, whoever sends it as a Bearer token; otherwise only loopback and the METRICS_ALLOW_FROM addresses
 * or subnets (the client address as Express sees it, so TRUST_PROXY decides whether X-Forwarded-For counts).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly allowed = new BlockList();

  constructor(private readonly config: AppConfig) {
    this.allowed.addSubnet('127.0.0.0', 8, 'ipv4');
    this.allowed.addAddress('::1', 'ipv6');
    for (const entry of config.metrics.allowFrom) addEntry(this.allowed, entry);
  }

  canActivate(context: ExecutionContext): boolean {
    const { enabled, token } = this.config.metrics;
    if (!enabled) throw new NotFoundException();
    const request = context.switchToHttp().getRequest<Request>();
    if (token !== undefined) {
      const sent = /^Bearer (.+)$/i.exec(request.header('authorization') ?? '')?.[1];
      if (!sent || !sameSecret(sent, token)) {
        throw ApiError.unauthorized('unauthorized', 'GET /metrics needs the METRICS_TOKEN as a Bearer token');
      }
      return true;
    }
    if (!this.isAllowed(request.ip ?? request.socket.remoteAddress ?? '')) {
      throw ApiError.forbidden('GET /metrics answers only loopback and METRICS_ALLOW_FROM addresses');
    }
    return true;
  }

  private isAllowed(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return this.allowed.check(mapped, 'ipv4');
    if (isIPv4(address)) return this.allowed.check(address, 'ipv4');
    return isIPv6(address) && this.allowed.check(address, 'ipv6');
  }
}

/** `10.0.0.0/8`, `fd00::/8` or a single address; anything else is ignored. */
function addEntry(list: BlockList, entry: string): void {
  const [address, prefix] = entry.split('/');
  const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (!type) return;
  if (prefix === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefix), type);
}

function sameSecret(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
