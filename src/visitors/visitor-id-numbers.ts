import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';

const VERSION = 'v1';
const IV_BYTES = 12;
/** Suggest needs at least this many characters; shorter prefixes would narrow nothing and leak little but help none. */
export const MIN_PREFIX = 4;
export const MAX_ID_NUMBER = 32;

/** The stored number cannot be opened: sealed under another VISITOR_ID_KEY, or altered. */
export class IdNumberUnreadable extends ApiError {
  constructor() {
    super(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'visitor_id_number_unreadable',
      "The visitor's ID number cannot be decrypted: VISITOR_ID_KEY is not the key that sealed it",
    );
  }
}

/** What is stored of an ID number: never the number itself. */
export interface ProtectedIdNumber {
  sealed: string;
  hash: string;
  prefixHashes: string[];
  last4: string;
}

/**
 * Visitors' ID numbers at rest: sealed with AES-256-GCM, and found through HMAC-SHA256 of the normalised number
 * (exact lookup) and of each of its prefixes of MIN_PREFIX characters or more (the desk's autocomplete, one GIN
 * lookup), so no query decrypts anything. Both keys are derived from VISITOR_ID_KEY (HKDF), and every hash is
 * bound to the organisation, so equal numbers in two organisations do not share a hash.
 */
@Injectable()
export class VisitorIdNumbers {
  private readonly sealKey: Buffer;
  private readonly hashKey: Buffer;
  private readonly keyId: string;

  constructor(config: AppConfig) {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', config.visitorIdKey, '', info, 32));
    this.sealKey = derive('facegate visitor id seal');
    this.hashKey = derive('facegate visitor id hash');
    this.keyId = createHash('sha256').update(this.sealKey).digest('hex').slice(0, 8);
  }

  /** Upper case, letters and digits only: `1234 5678-9012` → `123456789012`. */
  static normalise(raw: string): string {
    return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  }

  /** `XXXX-XXXX-1234` whatever the number's length, so the mask tells nothing but the last four. */
  static mask(last4: string): string {
    return `XXXX-XXXX-${last4}`;
  }

  protect(organizationId: string, normalised: string): ProtectedIdNumber {
    const prefixHashes: string[] = [];
    for (let length = MIN_PREFIX; length <= normalised.length; length++) {
      prefixHashes.push(this.prefixHash(organizationId, normalised.slice(0, length)));
    }
    return {
      sealed: this.seal(organizationId, normalised),
      hash: this.hash(organizationId, normalised),
      prefixHashes,
      last4: normalised.slice(-4),
    };
  }

  hash(organizationId: string, normalised: string): string {
    return this.hmac(`full:${organizationId}:${normalised}`);
  }

  prefixHash(organizationId: string, prefix: string): string {
    return this.hmac(`prefix:${organizationId}:${prefix}`);
  }

  open(organizationId: string, sealed: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION || parts[1] !== this.keyId) throw new IdNumberUnreadable();
    const [iv, tag, ciphertext] = parts.slice(2).map((part) => Buffer.from(part, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv, { authTagLength: 16 });
      decipher.setAAD(associatedData(organizationId));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new IdNumberUnreadable();
    }
  }

  private seal(organizationId: string, normalised: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(associatedData(organizationId));
    const ciphertext = Buffer.concat([cipher.update(normalised, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, this.keyId, ...parts].join('.');
  }

  private hmac(text: string): string {
    return createHmac('sha256', this.hashKey).update(text, 'utf8').digest('hex');
  }
}

function associatedData(organizationId: string): Buffer {
  return Buffer.from(`visitor-id:${organizationId}`, 'utf8');
}
