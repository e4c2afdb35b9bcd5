import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { FileStorage } from './file-storage.js';
import { PHOTO_FILE_KINDS, StoredFile } from './stored-file.entity.js';

/** Serves stored photos to callers of the same organisation; never from a public folder. */
@Injectable()
export class FilesService {
  constructor(
    @InjectRepository(StoredFile) private readonly files: Repository<StoredFile>,
    private readonly storage: FileStorage,
  ) {}

  async read(caller: AuthUser, id: string): Promise<{ file: StoredFile; bytes: Buffer }> {
    const file = await this.files.findOneBy({ id, organizationId: caller.organizationId, kind: In(PHOTO_FILE_KINDS) });
    if (!file) throw ApiError.notFound('File');
    try {
      return { file, bytes: await this.storage.read(file.storageKey) };
    } catch {
      throw ApiError.notFound('File');
    }
  }
}
