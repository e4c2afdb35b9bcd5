import { VectorIndex } from './vector-index.js';

/** The galleries a face is searched in: enrolled employees/students, and registered visitors. */
export const GALLERIES = ['employees', 'visitors'] as const;
export type Gallery = (typeof GALLERIES)[number];

/** Length of the face embeddings the index holds (the dlib-style 128-d descriptor). */
export const FACE_EMBEDDING_DIMENSIONS = 128;

/**
 * One {@link VectorIndex} per organisation and gallery, created on first use.
 *
 * Registered as a plain class provider (no `@Injectable()`, so Nest calls `new GalleryIndexes()` and the
 * dimension default applies); tests pass a smaller dimension.
 */
export class GalleryIndexes {
  private readonly indexes = new Map<string, VectorIndex>();

  constructor(readonly dimensions: number = FACE_EMBEDDING_DIMENSIONS) {}

  /** The gallery's index, created empty if it does not exist yet. */
  get(organizationId: string, gallery: Gallery): VectorIndex {
    const key = GalleryIndexes.key(organizationId, gallery);
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = new VectorIndex(this.dimensions);
      this.indexes.set(key, index);
    }
    return index;
  }

  /** The gallery's index if one was created, without creating it (for read paths such as identify). */
  find(organizationId: string, gallery: Gallery): VectorIndex | undefined {
    return this.indexes.get(GalleryIndexes.key(organizationId, gallery));
  }

  /** Drops every gallery of the organisation (its memory is released once no search holds it). */
  clearOrganization(organizationId: string): void {
    for (const gallery of GALLERIES) this.indexes.delete(GalleryIndexes.key(organizationId, gallery));
  }

  /** Drops everything (before a full rebuild from the database). */
  clear(): void {
    this.indexes.clear();
  }

  /** Templates held across all galleries. */
  get totalSize(): number {
    let total = 0;
    for (const index of this.indexes.values()) total += index.size;
    return total;
  }

  private static key(organizationId: string, gallery: Gallery): string {
    return `${organizationId}:${gallery}`;
  }
}
