import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FaceModels } from '../recognition/face-models.js';
import { GalleryIndexes } from '../recognition/index/gallery-indexes.js';
import type { VectorSearchHit } from '../recognition/index/vector-index.js';
import { bytesToEmbedding } from './face-template.entity.js';

const LOAD_BATCH = 10_000;
/** This gallery's key in the per-organisation indexes. */
const EMPLOYEES = 'employees';

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
  private indexes = new GalleryIndexes();
  /** Settles the first load: changes from other instances that arrive before it wait for it. */
  private firstLoaded!: () => void;
  private loading = new Promise<void>((resolve) => (this.firstLoaded = resolve));

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: FaceModels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
  }

  /**
   * Loads every template of the loaded model from face_templates into fresh indexes, then swaps them in (searches
   * go on against the old ones meanwhile). At start-up, and when an instance may have missed changes.
   */
  reload(): Promise<void> {
    const run = this.load();
    this.loading = run;
    void run.finally(() => this.firstLoaded()).catch(() => undefined);
    return run;
  }

  /** Resolves once the latest (re)load has swapped its indexes in. */
  whenLoaded(): Promise<void> {
    return this.loading;
  }

  private async load(): Promise<void> {
    if (!this.models.ready) return;
    const fresh = new GalleryIndexes();
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
          const embedding = bytesToEmbedding(Buffer.from(row.embedding, 'base64'));
          fresh.get(row.organization_id, EMPLOYEES).add(row.id, row.employee_id, embedding);
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
    this.indexes = fresh;
    this.logger.log(
      `Loaded ${loaded} face templates in ${Math.round(performance.now() - started)} ms` +
        (skipped > 0 ? ` (${skipped} damaged, left out)` : ''),
    );
  }

  /** Puts the templates `ids` (of the loaded model) into search as stored now, replacing older entries. */
  async refresh(organizationId: string, ids: string[]): Promise<void> {
    if (!this.models.ready || ids.length === 0) return;
    const { modelId, modelVersion } = this.models.embedder;
    const rows = await this.dataSource.query<TemplateRow[]>(
      `SELECT id, organization_id, employee_id, encode(embedding, 'base64') AS embedding FROM face_templates
       WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND model_id = $3 AND model_version = $4`,
      [organizationId, ids, modelId, modelVersion],
    );
    for (const row of rows) {
      this.removeTemplate(organizationId, row.id);
      this.add(organizationId, row.id, row.employee_id, bytesToEmbedding(Buffer.from(row.embedding, 'base64')));
    }
  }

  add(organizationId: string, templateId: string, employeeId: string, embedding: Float32Array): void {
    this.indexes.get(organizationId, EMPLOYEES).add(templateId, employeeId, embedding);
  }

  removeTemplate(organizationId: string, templateId: string): void {
    this.indexes.find(organizationId, EMPLOYEES)?.removeTemplate(templateId);
  }

  removePerson(organizationId: string, employeeId: string): void {
    this.indexes.find(organizationId, EMPLOYEES)?.removeOwner(employeeId);
  }

  /** Best template per person, best people first. */
  searchPeople(
    organizationId: string,
    query: Float32Array,
    k: number,
    allowed?: (employeeId: string) => boolean,
  ): VectorSearchHit[] {
    const index = this.indexes.find(organizationId, EMPLOYEES);
    if (!index || index.size === 0) return [];
    return index.searchOwners(query, k, allowed ? { ownerFilter: allowed } : {});
  }

  /** Templates searchable on this instance, every organisation together. */
  get size(): number {
    return this.indexes.totalSize;
  }
}
