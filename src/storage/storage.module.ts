import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DocumentStore } from './document-store.js';
import { FileStorage } from './file-storage.js';
import { FileUrls } from './file-urls.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { PhotoStore } from './photo-store.js';
import { StoredFile } from './stored-file.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([StoredFile])],
  controllers: [FilesController],
  providers: [DocumentStore, FileStorage, FileUrls, PhotoStore, FilesService],
  exports: [DocumentStore, FileStorage, FileUrls, PhotoStore],
})
export class StorageModule {}
