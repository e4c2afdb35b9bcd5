import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file (compiled or not) holding package.json. */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

/** Shared test data (photos, models) outside the repository: SHARED_DIR or ../shared beside the repo. */
export const sharedDir = resolve(process.env.SHARED_DIR ?? join(repoRoot, '..', 'shared'));

/** The optional model pack (YuNet, MiniFASNet): MODELS_DIR or <shared>/models. */
export const sharedModelsDir = resolve(process.env.MODELS_DIR ?? join(sharedDir, 'models'));

/** Path of a file under <shared>/faces, e.g. facePath('knn', 'test', 'obama_and_biden.jpg'). */
export function facePath(...parts: string[]): string {
  return join(sharedDir, 'faces', ...parts);
}
