import { join } from 'node:path';
import { type AffineMap, mirrorRows } from './affine-warp.js';
import {
  DLIB_CHIP_SIZE,
  extractChip,
  type LandmarkTemplate,
  landmarkTemplateFromManifest,
  pointTemplateFromManifest,
  type PointTemplate,
  similarityChipMap,
  similarityFit,
} from './face-chip.js';
import { FaceLandmarker, LANDMARK_FILE } from './face-landmarker.js';
import { estimatePose } from './face-quality.js';
import type { DetectedFace, EmbedOptions, FaceEmbedder, RgbImage } from './face.types.js';
import { isTurned, type TurnedThreshold } from '../match-decision.js';
import { readModelManifest } from './model-manifest.js';
import { type ModelSessionOptions, ModelSessions, runInChunks } from './onnx-session.js';

/** `aloneThreads`: see ModelSessions (batch of 2: 7.2 -> 4.0 ms; 34 chips: 103 -> 56 ms with 2 threads). */
export interface DlibEmbedderOptions extends ModelSessionOptions {
  /**
   * Also embed the mirrored chip and sum both descriptors before normalising (default true). Twice the network time;
   * +0.2-0.3 points on LFW. The manifest threshold was calibrated with it on.
   */
  flip?: boolean;
}

const MODEL_ID = 'dlib-resnet-v1';
const CHIP_VALUES = DLIB_CHIP_SIZE * DLIB_CHIP_SIZE * 3;
/** Chips per network run (see runInChunks): as fast as one batch once warm, and much faster for a new face count. */
const EMBED_CHUNK = 16;

/** The alignment on the 68-point landmark model: its points from `template.firstPoint` on, fitted onto the template. */
export interface LandmarkAlignment {
  landmarker: FaceLandmarker;
  template: LandmarkTemplate;
}

/**
 * The dlib ResNet-29 face descriptor through onnxruntime. Each face is warped into a 150x150 dlib-style chip by a
 * similarity fit onto the manifest's template (see face-chip.ts): of the nose, eyes and mouth found by the 68-point
 * landmark model when the pack has it, else of the detector's eyes, nose tip and mouth centre. All faces of an image
 * (and their mirror images) run in one batch, and each 128-d descriptor is L2-normalised: compare them by Euclidean
 * distance (threshold `defaultThreshold`) or cosine similarity (1 - d²/2).
 */
export class DlibFaceEmbedder implements FaceEmbedder {
  readonly modelId = MODEL_ID;
  readonly dimensions = 128;

  constructor(
    private readonly sessions: ModelSessions,
    readonly modelVersion: string,
    /** Distance between normalised descriptors below which two faces are the same person. */
    readonly defaultThreshold: number,
    /** Where the eyes, nose tip and mouth centre go in the chip. */
    private readonly template: PointTemplate,
    private readonly flip = true,
    /** The finer alignment; null: the detector's landmarks onto `template`. */
    private readonly alignment: LandmarkAlignment | null = null,
    /** The 1:1 threshold for turned faces, when the manifest has one. */
    readonly turnedThreshold: TurnedThreshold | null = null,
  ) {}

  /** The landmark model the chips are aligned with, if any (for GET /models). */
  get landmarkModelId(): string | null {
    return this.alignment?.landmarker.modelId ?? null;
  }

  /** Opens the embedder listed in `<modelsDir>/manifest.json`, with its threshold and chip template. */
  static async create(modelsDir: string, options: DlibEmbedderOptions = {}): Promise<DlibFaceEmbedder> {
    const entry = (await readModelManifest(modelsDir)).find((m) => m.id === MODEL_ID);
    if (!entry || entry.default_threshold === undefined)
      throw new Error(`${MODEL_ID} is not in ${modelsDir}/manifest.json`);
    const template = pointTemplateFromManifest(entry.input.template_points);
    const sessions = await ModelSessions.open(join(modelsDir, entry.file), options);
    const alignment = entry.input.landmark_template
      ? {
          landmarker: await landmarkerOf(modelsDir, options),
          template: landmarkTemplateFromManifest(entry.input.landmark_template),
        }
      : null;
    return new DlibFaceEmbedder(
      sessions,
      entry.version,
      entry.default_threshold,
      template,
      options.flip ?? true,
      alignment,
      turnedThresholdOf(entry.turned_threshold),
    );
  }

  async embed(image: RgbImage, faces: DetectedFace[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    return this.embedOn(image, faces, await this.chipMaps(image, faces, options.alone ?? false), options);
  }

  /**
   * Descriptors for comparing two photos with each other (never stored, never searched): as `embed`, except that a
   * face turned by the manifest's `turned_threshold.min_yaw` or more (yaw from the detector's points) gets the sum of
   * its descriptors from both alignments, the 68-point model's and the detector's points', normalised. On a profile
   * the landmark model's points are guesses and the detector's are poor in other ways; together they separate
   * cfp-dev's frontal-profile pairs better (5-fold 86.31% -> 88.97%) while LFW is unchanged (its turned pairs decide
   * alike). In a search among enrolled people the sum found fewer profiles (54.2% -> 49.4%), so templates and
   * probes keep `embed`'s descriptors (docs/benchmarks.md, Turned faces). `searched`: the faces' descriptors from
   * `embed` when the caller has them already (left as they are).
   */
  async embedForComparison(
    image: RgbImage,
    faces: DetectedFace[],
    options: EmbedOptions = {},
    searched?: Float32Array[],
  ): Promise<Float32Array[]> {
    const descriptors = searched ?? (await this.embed(image, faces, options));
    const turnedThreshold = this.turnedThreshold;
    if (!this.alignment || !turnedThreshold) return descriptors;
    const turned = faces.filter((face) => isTurned(estimatePose(face.landmarks).yaw, turnedThreshold));
    if (turned.length === 0) return descriptors;
    const maps = turned.map((face) => similarityChipMap(face.landmarks, this.template));
    const second = await this.embedOn(image, turned, maps, options);
    return descriptors.map((descriptor, i) => {
      const k = turned.indexOf(faces[i]);
      if (k < 0) return descriptor;
      const sum = Float32Array.from(descriptor);
      for (let j = 0; j < sum.length; j += 1) sum[j] += second[k][j];
      return normalise(sum);
    });
  }

  /** The descriptors of chips taken through `maps` (one per face), with their mirror images when `flip`. */
  private async embedOn(
    image: RgbImage,
    faces: DetectedFace[],
    maps: AffineMap[],
    options: EmbedOptions,
  ): Promise<Float32Array[]> {
    if (faces.length === 0) return [];
    const views = this.flip ? 2 : 1;
    // A chunk holds whole faces (EMBED_CHUNK is even): each face's chip, then its mirror image.
    const fill = (first: number, count: number, into: Float32Array) => {
      for (let item = 0; item < count; item += views) {
        const at = item * CHIP_VALUES;
        extractChip(image, maps[(first + item) / views], into, at);
        if (this.flip) mirrorRows(into, DLIB_CHIP_SIZE, DLIB_CHIP_SIZE, at, at + CHIP_VALUES);
      }
    };
    const output = await runInChunks(this.sessions.pick(options.alone), fill, {
      items: faces.length * views,
      side: DLIB_CHIP_SIZE,
      chunk: EMBED_CHUNK - (EMBED_CHUNK % views),
      output: 'descriptor',
    });
    const n = this.dimensions;
    return faces.map((_, i) => {
      const descriptor = output.slice(i * views * n, (i * views + 1) * n);
      if (this.flip) for (let k = 0; k < n; k += 1) descriptor[k] += output[(i * views + 1) * n + k];
      return normalise(descriptor);
    });
  }

  /** Where each face's chip comes from: a map from chip pixels to image pixels. */
  private async chipMaps(image: RgbImage, faces: DetectedFace[], alone: boolean): Promise<AffineMap[]> {
    if (!this.alignment) return faces.map((face) => similarityChipMap(face.landmarks, this.template));
    const { landmarker, template } = this.alignment;
    const found = await landmarker.locate(
      image,
      faces.map((face) => face.bbox),
      alone,
    );
    return found.map((points) => similarityFit(template.points, points.slice(template.firstPoint)));
  }
}

/**
 * The landmark model a manifest with a landmark template aligns on. Its absence is an error: embeddings of the
 * pack's version are made with it, and the detector's points would give others under the same version.
 */
async function landmarkerOf(modelsDir: string, options: DlibEmbedderOptions): Promise<FaceLandmarker> {
  const landmarker = await FaceLandmarker.create(modelsDir, options);
  if (!landmarker) throw new Error(`${modelsDir}/manifest.json aligns on ${LANDMARK_FILE}, which is missing`);
  return landmarker;
}

/** The manifest's `turned_threshold`, checked; null when absent. */
function turnedThresholdOf(value: unknown): TurnedThreshold | null {
  if (value === undefined) return null;
  const { min_yaw: minYaw, threshold } = (value ?? {}) as Partial<TurnedThreshold>;
  if (typeof minYaw !== 'number' || typeof threshold !== 'number' || !(minYaw > 0 && threshold > 0)) {
    throw new Error(`${MODEL_ID}: turned_threshold in the manifest needs a positive min_yaw and threshold`);
  }
  return { min_yaw: minYaw, threshold };
}

/** Scales a vector to unit length in place and returns it. */
export function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i += 1) v[i] /= norm;
  return v;
}
