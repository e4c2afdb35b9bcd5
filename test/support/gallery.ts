import { readFileSync } from 'node:fs';
import { EmployeeGallery } from '../../src/faces/employee-gallery.js';
import { RecognitionEngine } from '../../src/recognition/recognition-engine.js';
import type { VectorSearchHit } from '../../src/recognition/index/vector-index.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/**
 * What the in-memory index answers for `photo` among the templates of `employeeId` alone: the person's best
 * template, or undefined when none of theirs is searchable. Identification hides inactive and deleted people,
 * so this asks the index itself: a template enrolled from the same photo comes back with similarity ~1.
 */
export async function indexedTemplateOf(
  sut: TestApp,
  organizationId: string,
  employeeId: string,
  photo: string[],
): Promise<VectorSearchHit | undefined> {
  const { faces } = await sut.app.get(RecognitionEngine).analyse(readFileSync(facePath(...photo)), { embed: true });
  const embedding = faces[0]?.embedding;
  if (!embedding) throw new Error(`no face in ${photo.join('/')}`);
  const [hit] = sut.app.get(EmployeeGallery).searchPeople(organizationId, embedding, 1, (id) => id === employeeId);
  return hit;
}
