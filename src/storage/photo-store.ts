import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ImageDecoder, sniffImageFormat } from '../recognition/engine/image-decoder.js';
import { FileStorage } from './file-storage.js';
import { StoredFile } from './stored-file.entity.js';

export interface StoredPhoto {
  photo: StoredFile;
  thumbnail: StoredFile;
}

const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/**
 * Keeps a face photo and its thumbnail: files first, then rows in the caller's transaction. If the transaction
 * fails, `discard` removes the files, so no orphan file outlives a rolled-back row.
 */
@Injectable()
export class PhotoStore {
  private readonly decoder = new ImageDecoder();

  constructor(private readonly storage: FileStorage) {}

  async save(manager: EntityManager, organizationId: string, bytes: Buffer): Promise<StoredPhoto> {
    const format = sniffImageFormat(bytes) ?? 'jpeg';
    const thumbnailBytes = await this.decoder.thumbnail(bytes);
    const photoKey = await this.storage.write(organizationId, bytes, format === 'jpeg' ? 'jpg' : format);
    let thumbnailKey: string | undefined;
    try {
      thumbnailKey = await this.storage.write(organizationId, thumbnailBytes, 'jpg');
      const files = manager.getRepository(StoredFile);
      const photo = await files.save(
        files.create({
          organizationId,
          kind: 'face_photo',
          storageKey: photoKey,
          contentType: CONTENT_TYPES[format],
          bytes: bytes.length,
        }),
      );
      const thumbnail = await files.save(
        files.create({
          organizationId,
          kind: 'face_thumbnail',
          storageKey: thumbnailKey,
          contentType: 'image/jpeg',
          bytes: thumbnailBytes.length,
        }),
      );
      return { photo, thumbnail };
    } catch (error) {
      await this.storage.remove(photoKey);
      if (thumbnailKey) await this.storage.remove(thumbnailKey);
      throw error;
    }
  }

  /** Removes the files of rows that were not committed, or of rows just deleted. */
  async discard(files: StoredFile[]): Promise<void> {
    await Promise.all(files.map((file) => this.storage.remove(file.storageKey)));
  }

  read(file: StoredFile): Promise<Buffer> {
    return this.storage.read(file.storageKey);
  }
}
