import { Injectable } from '@nestjs/common';

/** Looks up the enrolled embeddings of a person; null when the person is unknown in the organisation. */
export type ReferenceLookup = (organizationId: string, personId: string) => Promise<Float32Array[] | null>;

/**
 * Where verification finds enrolled faces to compare with. Recognition knows nothing of people: the module
 * that keeps them registers its lookup here at start-up.
 */
@Injectable()
export class ReferenceFaces {
  private lookup: ReferenceLookup | undefined;

  register(lookup: ReferenceLookup): void {
    this.lookup = lookup;
  }

  find(organizationId: string, personId: string): Promise<Float32Array[] | null> {
    if (!this.lookup) return Promise.resolve(null);
    return this.lookup(organizationId, personId);
  }
}
