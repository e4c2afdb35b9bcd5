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

const missingPhotos = existsSync(facePath()) ? false : `no shared photos at ${facePath()} (set SHARED_DIR)`;
const missingModels = existsSync(sharedModelsDir) ? false : `no model pack at ${sharedModelsDir} (set MODELS_DIR)`;
/** In CI the photos and the model pack must be there: missing, tests that need them fail instead of skipping. */
export const sharedDataRequired = process.env.CI === 'true';
/** The `skip` option of tests that read shared photos: a reason outside CI when they are missing, else false. */
export const skipWithoutPhotos = sharedDataRequired ? false : missingPhotos;
/** The `skip` option of tests that need the optional model pack and the shared photos. */
export const skipWithoutModels = sharedDataRequired ? false : missingModels || missingPhotos;
/** What is missing of the shared data (empty when all is there). */
export const missingSharedData = [missingPhotos, missingModels].filter((reason): reason is string => Boolean(reason));
