import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FaceModels } from '../recognition/face-models.js';
import { GalleryIndexes } from '../recognition/index/gallery-indexes.js';
import type { VectorSearchHit } from '../recognition/index/vector-index.js';
import { bytesToEmbedding } from './face-template.entity.js';

const LOAD_BATCH = 10_000;

interface TemplateRow {
  id: string;
  organization_id: string;
  employee_id: string;
  /** Base64: both drivers turn bytea into bytes through hex text, several times slower than base64 for 100k rows. */
  embedding: string;
}

/**
 * The searchable faces of enrolled people, per organisation: filled from face_templates at start-up (only
 * templates of the loaded model version) and changed right after each committed change.
 */
@Injectable()
export class EmployeeGallery implements OnApplicationBootstrap {
  private readonly logger = new Logger(EmployeeGallery.name);
  private readonly indexes = new GalleryIndexes();

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: FaceModels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.models.ready) return;
    const started = performance.now();
    const { modelId, modelVersion } = this.models.embedder;
    let lastId = '00000000-0000-0000-0000-000000000000';
    let loaded = 0;
    let skipped = 0;
    for (;;) {
      const rows = await this.dataSource.query<TemplateRow[]>(
        `SELECT id, organization_id, employee_id, encode(embedding, 'base64') AS embedding FROM face_templates
         WHERE model_id = $1 AND model_version = $2 AND id > $3 ORDER BY id LIMIT ${LOAD_BATCH}`,
        [modelId, modelVersion, lastId],
      );
      for (const row of rows) {
        try {
          this.add(
            row.organization_id,
            row.id,
            row.employee_id,
            bytesToEmbedding(Buffer.from(row.embedding, 'base64')),
          );
          loaded += 1;
        } catch (error) {
          // A damaged row must not keep the service from starting; it is reported and left out of search.
          skipped += 1;
          this.logger.warn(`Face template ${row.id} left out of search: ${(error as Error).message}`);
        }
      }
      if (rows.length < LOAD_BATCH) break;
      lastId = rows[rows.length - 1].id;
    }
    this.logger.log(
      `Loaded ${loaded} face templates in ${Math.round(performance.now() - started)} ms` +
        (skipped > 0 ? ` (${skipped} damaged, left out)` : ''),
    );
  }

  add(organizationId: string, templateId: string, employeeId: string, embedding: Float32Array): void {
    this.indexes.get(organizationId, 'employees').add(templateId, employeeId, embedding);
  }

  removeTemplate(organizationId: string, templateId: string): void {
    this.indexes.find(organizationId, 'employees')?.removeTemplate(templateId);
  }

  removePerson(organizationId: string, employeeId: string): void {
    this.indexes.find(organizationId, 'employees')?.removeOwner(employeeId);
  }

  /** Best template per person, best people first. */
  searchPeople(
    organizationId: string,
    query: Float32Array,
    k: number,
    allowed?: (employeeId: string) => boolean,
  ): VectorSearchHit[] {
    const index = this.indexes.find(organizationId, 'employees');
    if (!index || index.size === 0) return [];
    return index.searchOwners(query, k, allowed ? { ownerFilter: allowed } : {});
  }

  /** Templates searchable on this instance, every organisation together. */
  get size(): number {
    return this.indexes.totalSize;
  }
}
