import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import { FileStorage } from './file-storage.js';
import { StoredFile, type StoredFileKind } from './stored-file.entity.js';

export interface DocumentToStore {
  kind: StoredFileKind;
  bytes: Buffer;
  /** Offered as the download's name, e.g. `attendance-2026-11-01-2026-11-30.xlsx`; its extension names the file. */
  fileName: string;
  contentType: string;
}

/**
 * Keeps generated documents (report files): the bytes first, then the row in the caller's transaction. If the
 * transaction fails, `discard` removes the bytes, so no orphan file outlives a rolled-back row.
 */
@Injectable()
export class DocumentStore {
  constructor(
    @InjectRepository(StoredFile) private readonly files: Repository<StoredFile>,
    private readonly storage: FileStorage,
  ) {}

  async save(manager: EntityManager, organizationId: string, document: DocumentToStore): Promise<StoredFile> {
    const extension = /\.([a-z0-9]{1,8})$/i.exec(document.fileName)?.[1]?.toLowerCase() ?? 'bin';
    const key = await this.storage.write(organizationId, document.bytes, extension);
    try {
      const files = manager.getRepository(StoredFile);
      return await files.save(
        files.create({
          organizationId,
          kind: document.kind,
          storageKey: key,
          contentType: document.contentType,
          bytes: document.bytes.length,
          fileName: document.fileName,
        }),
      );
    } catch (error) {
      await this.storage.remove(key);
      throw error;
    }
  }

  /** Removes the bytes of a row that was not committed. */
  async discard(file: StoredFile): Promise<void> {
    await this.storage.remove(file.storageKey);
  }

  /** The organisation's document `id` of `kind` with its bytes; 404 for any other id, kind or organisation. */
  async read(organizationId: string, kind: StoredFileKind, id: string): Promise<{ file: StoredFile; bytes: Buffer }> {
    const file = await this.files.findOneBy({ id, organizationId, kind });
    if (!file) throw ApiError.notFound('File');
    try {
      return { file, bytes: await this.storage.read(file.storageKey) };
    } catch {
      throw ApiError.notFound('File');
    }
  }
}
