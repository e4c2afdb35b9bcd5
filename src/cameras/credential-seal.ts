import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { hasCredentials, NO_CREDENTIALS, type StreamCredentials } from './stream-credentials.js';

const VERSION = 'v1';
const IV_BYTES = 12;

/** The stored credentials cannot be opened: sealed under another key, or altered. */
export class CredentialsUnreadable extends ApiError {
  constructor() {
    super(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'camera_credentials_unreadable',
      "The camera's stored credentials cannot be decrypted: CAMERA_SECRETS_KEY is not the key that sealed them",
    );
  }
}

/**
 * Seals camera credentials with AES-256-GCM under CAMERA_SECRETS_KEY. A sealed value is
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url): the key id tells a wrong key from tampering in the logs,
 * and the camera id is authenticated with it, so a value copied onto another camera does not open.
 */
@Injectable()
export class CredentialSeal {
  private readonly key: Buffer;
  private readonly keyId: string;

  constructor(config: AppConfig) {
    this.key = config.cameraSecretsKey;
    const digest = createHash('sha256').update('facegate camera secrets key id').update(this.key).digest('hex');
    this.keyId = digest.slice(0, 8);
  }

  /** The sealed form of the camera's credentials, or null when there are none. */
  seal(cameraId: string, credentials: StreamCredentials): string | null {
    if (!hasCredentials(credentials)) return null;
    const plaintext = JSON.stringify({ u: credentials.username, p: credentials.password, q: credentials.query });
    return this.sealText(`camera:${cameraId}`, plaintext);
  }

  /** The credentials sealed for the camera (none when `sealed` is null); throws CredentialsUnreadable. */
  open(cameraId: string, sealed: string | null): StreamCredentials {
    if (sealed === null) return { ...NO_CREDENTIALS, query: [] };
    const plaintext = this.openText(`camera:${cameraId}`, sealed);
    if (plaintext === null) throw new CredentialsUnreadable();
    const { u, p, q } = JSON.parse(plaintext) as { u: string | null; p: string | null; q: [string, string][] };
    return { username: u, password: p, query: q };
  }

  /**
   * Seals any secret of the service that must be read back (a webhook's signing secret) under the same key.
   * `owner` (e.g. `webhook:<id>`) is authenticated with it, so a value copied onto another row does not open.
   */
  sealText(owner: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, this.keyId, ...parts].join('.');
  }

  /** What `sealText(owner, …)` sealed, or null when it cannot be opened (another key, another owner, altered). */
  openText(owner: string, sealed: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION || parts[1] !== this.keyId) return null;
    const [iv, tag, ciphertext] = parts.slice(2).map((part) => Buffer.from(part, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 });
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
