import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/** Bytes on the local disk under DATA_DIR/files. The only class that writes or deletes stored files. */
@Injectable()
export class FileStorage {
  private readonly root: string;

  constructor(config: AppConfig) {
    this.root = resolve(config.dataDir, 'files');
  }

  /** Writes the bytes under a new random key (128 bits) in the organisation's folder and returns the key. */
  async write(organizationId: string, bytes: Buffer, extension: string): Promise<string> {
    const name = randomBytes(16).toString('hex');
    const key = `${organizationId}/${name.slice(0, 2)}/${name}.${extension}`;
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes, { flag: 'wx', mode: 0o600 });
    return key;
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  /** Removes the file; a file already gone is not an error. */
  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`Storage key escapes the storage root: ${key}`);
    return path;
  }
}
