import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type ModelTask = 'face_detection' | 'face_landmarks' | 'face_embedding' | 'liveness';

/** The fields of models/manifest.json this service reads (written by scripts/models/build.mjs). */
export interface ManifestModel {
  id: string;
  task: ModelTask;
  version: string;
  file: string;
  input: {
    shape: (number | string)[];
    layout?: string;
    /** The embedder's alignment: [x, y] chip pixels per landmark (see face-chip.ts). */
    template_points?: unknown;
    /** The embedder's alignment on the 68-point landmark model: first_point and [x, y] chip pixels of the rest. */
    landmark_template?: unknown;
  };
  outputs?: { name: string; shape: (number | string)[] }[];
  source: { package: string; version?: string; files?: string[] };
  license?: string;
  /** The older spelling, in manifests written before 0.2. */
  licence?: string;
  default_threshold?: number;
  /** The embedder's 1:1 threshold for turned faces (see TurnedThreshold). */
  turned_threshold?: unknown;
  metric?: string;
}

/** The models listed in `<modelsDir>/manifest.json`, the one description of the built-in pack. */
export async function readModelManifest(modelsDir: string): Promise<ManifestModel[]> {
  const manifest = JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8')) as { models?: unknown };
  if (!Array.isArray(manifest.models)) throw new Error(`${modelsDir}/manifest.json lists no models`);
  return manifest.models as ManifestModel[];
}
