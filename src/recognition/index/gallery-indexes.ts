import { VectorIndex } from './vector-index.js';

/**
 * Names a gallery: an opaque key chosen by the feature that owns it (the people feature uses its own), so the index
 * layer holds any set of galleries without knowing who is in them.
 */
export type GalleryKey = string;

/** Length of the face embeddings the index holds (the dlib-style 128-d descriptor). */
const FACE_EMBEDDING_DIMENSIONS = 128;

/**
 * One {@link VectorIndex} per organisation and gallery, created on first use. Not a Nest provider: the feature that
 * owns a gallery creates its own instance (`new GalleryIndexes()`), so no other feature can reach its faces.
 */
export class GalleryIndexes {
  /** Organisation → gallery key → index; nested, so no pair of strings can meet another in a joined key. */
  private readonly byOrganization = new Map<string, Map<GalleryKey, VectorIndex>>();

  /** The gallery's index, created empty if it does not exist yet. */
  get(organizationId: string, gallery: GalleryKey): VectorIndex {
    let galleries = this.byOrganization.get(organizationId);
    if (galleries === undefined) {
      galleries = new Map();
      this.byOrganization.set(organizationId, galleries);
    }
    let index = galleries.get(gallery);
    if (index === undefined) {
      index = new VectorIndex(FACE_EMBEDDING_DIMENSIONS);
      galleries.set(gallery, index);
    }
    return index;
  }

  /** The gallery's index if one was created, without creating it (for read paths such as identify). */
  find(organizationId: string, gallery: GalleryKey): VectorIndex | undefined {
    return this.byOrganization.get(organizationId)?.get(gallery);
  }

  /** Templates held across all galleries. */
  get totalSize(): number {
    let total = 0;
    for (const galleries of this.byOrganization.values()) {
      for (const index of galleries.values()) total += index.size;
    }
    return total;
  }
}
