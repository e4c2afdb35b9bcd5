import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { bytesToEmbedding } from '../faces/face-template.entity.js';
import { FaceModels } from '../recognition/face-models.js';
import { type GalleryKey, GalleryIndexes } from '../recognition/index/gallery-indexes.js';
import type { VectorSearchHit } from '../recognition/index/vector-index.js';

/** The visitors' own gallery key: employees' identification never searches it, nor this gallery theirs. */
const VISITORS: GalleryKey = 'visitors';
const LOAD_BATCH = 10_000;

interface FaceRow {
  id: string;
  organization_id: string;
  visitor_id: string;
  /** Base64 (faster to decode than the drivers' hex bytea). */
  embedding: string;
}

/**
 * The searchable faces of visitors, per organisation, in an index of its own (its own GalleryIndexes instance and
 * key): filled from visitor_faces at start-up (templates of the loaded model only), changed after each commit, and
 * on the other instances through VisitorGallerySync.
 */
@Injectable()
export class VisitorGallery implements OnApplicationBootstrap {
  private readonly logger = new Logger(VisitorGallery.name);
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

  /** Loads every visitor face of the loaded model into fresh indexes, then swaps them in (at start-up, and after an
   * instance may have missed changes). */
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
    const { modelId, modelVersion } = this.models.embedder;
    let lastId = '00000000-0000-0000-0000-000000000000';
    let loaded = 0;
    for (;;) {
      const rows = await this.dataSource.query<FaceRow[]>(
        `SELECT id, organization_id, visitor_id, encode(embedding, 'base64') AS embedding FROM visitor_faces
         WHERE model_id = $1 AND model_version = $2 AND id > $3 ORDER BY id LIMIT ${LOAD_BATCH}`,
        [modelId, modelVersion, lastId],
      );
      for (const row of rows) {
        try {
          const embedding = bytesToEmbedding(Buffer.from(row.embedding, 'base64'));
          fresh.get(row.organization_id, VISITORS).add(row.id, row.visitor_id, embedding);
          loaded += 1;
        } catch (error) {
          this.logger.warn(`Visitor face ${row.id} left out of search: ${(error as Error).message}`);
        }
      }
      if (rows.length < LOAD_BATCH) break;
      lastId = rows[rows.length - 1].id;
    }
    this.indexes = fresh;
    if (loaded > 0) this.logger.log(`Loaded ${loaded} visitor faces`);
  }

  /** Puts the faces `ids` (of the loaded model) into search as stored now, replacing older entries. */
  async refresh(organizationId: string, ids: string[]): Promise<void> {
    if (!this.models.ready || ids.length === 0) return;
    const { modelId, modelVersion } = this.models.embedder;
    const rows = await this.dataSource.query<FaceRow[]>(
      `SELECT id, organization_id, visitor_id, encode(embedding, 'base64') AS embedding FROM visitor_faces
       WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND model_id = $3 AND model_version = $4`,
      [organizationId, ids, modelId, modelVersion],
    );
    for (const row of rows) {
      this.add(organizationId, row.id, row.visitor_id, bytesToEmbedding(Buffer.from(row.embedding, 'base64')));
    }
  }

  add(organizationId: string, faceId: string, visitorId: string, embedding: Float32Array): void {
    this.indexes.get(organizationId, VISITORS).add(faceId, visitorId, embedding);
  }

  removeVisitor(organizationId: string, visitorId: string): void {
    this.indexes.find(organizationId, VISITORS)?.removeOwner(visitorId);
  }

  /** Best face per visitor, best visitors first. */
  searchVisitors(organizationId: string, query: Float32Array, k: number): VectorSearchHit[] {
    const index = this.indexes.find(organizationId, VISITORS);
    if (!index || index.size === 0) return [];
    return index.searchOwners(query, k);
  }

  /** Faces searchable on this instance, every organisation together. */
  get size(): number {
    return this.indexes.totalSize;
  }

  /** Faces searchable for the organisation. */
  sizeOf(organizationId: string): number {
    return this.indexes.find(organizationId, VISITORS)?.size ?? 0;
  }
}
