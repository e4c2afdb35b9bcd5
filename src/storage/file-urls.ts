import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * The token-protected path of a stored file (`GET /api/v1/files/:id` with `Authorization`). Socket and webhook
 * payloads carry this one: they outlive any signature, and their receivers hold a token or key anyway.
 */
export const fileApiPath = (fileId: string | null): string | null => (fileId ? `/api/v1/files/${fileId}` : null);

/** The path signed URLs point at (served without a token by `FilesController.getSignedFile`). */
export const SIGNED_FILES_PATH = '/api/v1/files/signed';

/** At most this many URLs are kept for reuse (about 2 MB). */
const MAX_CACHED_URLS = 20_000;

/**
 * Short-lived signed URLs of stored photos, so a browser can show them with a plain `<img src>`: no token in the
 * URL, only an expiry and an HMAC-SHA256 over the file id, its organisation and that expiry. Every response that
 * refers to a photo builds its URL here; the files route checks it here.
 */
@Injectable()
export class FileUrls {
  /**
   * URLs signed for the current expiry step: every URL signed within one step shares its `expires`, so a list
   * shown again (or a person in many answers) costs a map lookup instead of an HMAC. Emptied when the step moves
   * on, and bounded.
   */
  private readonly signed = new Map<string, string>();
  private signedExpiry = 0;

  constructor(private readonly config: AppConfig) {}

  get ttlSeconds(): number {
    return this.config.fileUrls.ttlSeconds;
  }

  /**
   * `/api/v1/files/signed/:id?expires=<unix seconds>&signature=<base64url>`, valid until `expires`. The expiry is
   * rounded up to the next tenth of the lifetime, so the same photo keeps the same URL for a while and browsers
   * can cache it across list refreshes.
   */
  sign(organizationId: string, fileId: string, now = Date.now()): string {
    const step = Math.max(1, Math.floor(this.ttlSeconds / 10));
    const expires = Math.ceil((Math.floor(now / 1000) + this.ttlSeconds) / step) * step;
    if (expires !== this.signedExpiry || this.signed.size >= MAX_CACHED_URLS) {
      this.signed.clear();
      this.signedExpiry = expires;
    }
    const key = `${organizationId}/${fileId}`;
    let url = this.signed.get(key);
    if (url === undefined) {
      url = `${SIGNED_FILES_PATH}/${fileId}?expires=${expires}&signature=${this.signature(organizationId, fileId, expires)}`;
      this.signed.set(key, url);
    }
    return url;
  }

  /** `sign` for a file id that may be missing. */
  signOptional(organizationId: string, fileId: string | null | undefined): string | null {
    return fileId ? this.sign(organizationId, fileId) : null;
  }

  /** True when the signature was made here for this file of this organisation and has not expired. */
  verify(organizationId: string, fileId: string, expires: unknown, signature: unknown, now = Date.now()): boolean {
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof signature !== 'string') return false;
    const expiry = Number(expires);
    if (expiry * 1000 <= now) return false;
    const expected = Buffer.from(this.signature(organizationId, fileId, expiry));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Seconds left before a signed URL with this `expires` stops working (0 once past). */
  secondsLeft(expires: string, now = Date.now()): number {
    return Math.max(0, Number(expires) - Math.floor(now / 1000));
  }

  private signature(organizationId: string, fileId: string, expires: number): string {
    return createHmac('sha256', this.config.fileUrls.key)
      .update(`${fileId.toLowerCase()}\n${organizationId.toLowerCase()}\n${expires}`)
      .digest('base64url');
  }
}
