import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ImageDecoder, type ImageFormat, sniffImageFormat } from '../recognition/engine/image-decoder.js';
import { FileStorage } from './file-storage.js';
import { stripMetadata } from './photo-metadata.js';
import { StoredFile } from './stored-file.entity.js';

export interface StoredPhoto {
  photo: StoredFile;
  thumbnail: StoredFile;
}

/** A JPEG this service encoded from decoded pixels (no metadata in it) and its thumbnail, cut from the same pixels. */
export interface EncodedPhoto {
  photo: Buffer;
  thumbnail: Buffer;
}

const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;

/**
 * Keeps a face photo, without its metadata, and its thumbnail: files first, then rows in the caller's transaction. If the transaction
 * fails, `discard` removes the files, so no orphan file outlives a rolled-back row.
 */
@Injectable()
export class PhotoStore {
  private readonly decoder = new ImageDecoder();

  constructor(private readonly storage: FileStorage) {}

  async save(manager: EntityManager, organizationId: string, upload: Buffer): Promise<StoredPhoto> {
    const format = sniffImageFormat(upload) ?? 'jpeg';
    const bytes = await this.withoutMetadata(upload, format);
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

  /**
   * Keeps several JPEGs this service encoded (face snapshots) with their thumbnails: nothing to strip or decode
   * again, the files written at once, the rows in one insert in the caller's transaction. Answers in input order.
   */
  async saveEncoded(manager: EntityManager, organizationId: string, photos: EncodedPhoto[]): Promise<StoredPhoto[]> {
    if (photos.length === 0) return [];
    const writes = await Promise.allSettled(
      photos.flatMap(({ photo, thumbnail }) => [
        this.storage.write(organizationId, photo, 'jpg'),
        this.storage.write(organizationId, thumbnail, 'jpg'),
      ]),
    );
    const keys = writes.flatMap((write) => (write.status === 'fulfilled' ? [write.value] : []));
    try {
      const failed = writes.find((write) => write.status === 'rejected');
      if (failed) throw failed.reason;
      const written = keys;
      const files = manager.getRepository(StoredFile);
      const rows = photos.flatMap(({ photo, thumbnail }, i) => [
        files.create({
          organizationId,
          kind: 'face_photo',
          storageKey: written[2 * i],
          contentType: 'image/jpeg',
          bytes: photo.length,
        }),
        files.create({
          organizationId,
          kind: 'face_thumbnail',
          storageKey: written[2 * i + 1],
          contentType: 'image/jpeg',
          bytes: thumbnail.length,
        }),
      ]);
      const saved = await files.save(rows);
      return photos.map((_, i) => ({ photo: saved[2 * i], thumbnail: saved[2 * i + 1] }));
    } catch (error) {
      await Promise.all(keys.map((key) => this.storage.remove(key)));
      throw error;
    }
  }

  /**
   * The photo without its EXIF, XMP and IPTC blocks (camera, time, often GPS: none of it is needed to recognise a
   * face). An upright photo loses only those blocks, byte for byte; one with an EXIF orientation is re-encoded with
   * the rotation applied, because the orientation would otherwise be lost with the EXIF block.
   */
  private async withoutMetadata(bytes: Buffer, format: ImageFormat): Promise<Buffer> {
    if ((await this.decoder.orientation(bytes)) === 1) {
      const stripped = stripMetadata(bytes, format);
      if (stripped) return stripped;
    }
    return this.decoder.upright(bytes, format);
  }

  /** Removes the files of rows that were not committed, or of rows just deleted. */
  async discard(files: StoredFile[]): Promise<void> {
    await Promise.all(files.map((file) => this.storage.remove(file.storageKey)));
  }

  read(file: StoredFile): Promise<Buffer> {
    return this.storage.read(file.storageKey);
  }
}
