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
 * key): filled from visitor_faces at start-up (templates of the loaded model only), changed after each commit.
 */
@Injectable()
export class VisitorGallery implements OnApplicationBootstrap {
  private readonly logger = new Logger(VisitorGallery.name);
  private readonly indexes = new GalleryIndexes();

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: FaceModels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.models.ready) return;
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
          this.add(row.organization_id, row.id, row.visitor_id, bytesToEmbedding(Buffer.from(row.embedding, 'base64')));
          loaded += 1;
        } catch (error) {
          this.logger.warn(`Visitor face ${row.id} left out of search: ${(error as Error).message}`);
        }
      }
      if (rows.length < LOAD_BATCH) break;
      lastId = rows[rows.length - 1].id;
    }
    if (loaded > 0) this.logger.log(`Loaded ${loaded} visitor faces`);
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

  /** Faces searchable for the organisation. */
  sizeOf(organizationId: string): number {
    return this.indexes.find(organizationId, VISITORS)?.size ?? 0;
  }
}
