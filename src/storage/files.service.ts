import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { FileStorage } from './file-storage.js';
import { FileUrls } from './file-urls.js';
import { PHOTO_FILE_KINDS, StoredFile } from './stored-file.entity.js';

/** Serves stored photos to callers of the same organisation, or to holders of a signed URL; never from a public folder. */
@Injectable()
export class FilesService {
  constructor(
    @InjectRepository(StoredFile) private readonly files: Repository<StoredFile>,
    private readonly storage: FileStorage,
    private readonly urls: FileUrls,
  ) {}

  async read(caller: AuthUser, id: string): Promise<{ file: StoredFile; bytes: Buffer }> {
    return this.readFile(
      await this.files.findOneBy({ id, organizationId: caller.organizationId, kind: In(PHOTO_FILE_KINDS) }),
    );
  }

  /**
   * The file of a signed URL. A signature of another organisation, a past expiry and a tampered URL all answer
   * 404, like an unknown id, so a URL reveals nothing once it stops working.
   */
  async readSigned(
    id: string,
    expires: string | undefined,
    signature: string | undefined,
  ): Promise<{ file: StoredFile; bytes: Buffer; maxAge: number }> {
    const file = await this.files.findOneBy({ id, kind: In(PHOTO_FILE_KINDS) });
    if (!file || !this.urls.verify(file.organizationId, file.id, expires, signature)) throw ApiError.notFound('File');
    return { ...(await this.readFile(file)), maxAge: this.urls.secondsLeft(expires!) };
  }

  private async readFile(file: StoredFile | null): Promise<{ file: StoredFile; bytes: Buffer }> {
    if (!file) throw ApiError.notFound('File');
    try {
      return { file, bytes: await this.storage.read(file.storageKey) };
    } catch {
      throw ApiError.notFound('File');
    }
  }
}
