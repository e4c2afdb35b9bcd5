import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { BlazeFaceDetector } from './engine/blazeface-detector.js';
import { FullRangeFaceDetector } from './engine/full-range-detector.js';
import { DlibFaceEmbedder } from './engine/dlib-face-embedder.js';
import type { FaceDetector, FaceEmbedder, LivenessChecker } from './engine/face.types.js';
import { MiniFasNetLiveness } from './engine/minifasnet-liveness.js';
import { type ManifestModel, type ModelTask, readModelManifest } from './engine/model-manifest.js';
import type { ModelSessionOptions } from './engine/onnx-session.js';
import { YuNetDetector } from './engine/yunet-detector.js';
import { describeModel, type ModelInfo } from './model-catalog.js';

/** Running average of one model's inference time. */
class InferenceTimer {
  private runs = 0;
  private totalMs = 0;

  record(ms: number): void {
    this.runs += 1;
    this.totalMs += ms;
  }

  get averageMs(): number | null {
    return this.runs === 0 ? null : Math.round((this.totalMs / this.runs) * 100) / 100;
  }
}

/**
 * The ONNX models of this instance, opened once at start-up: YuNet as the detector when its file is in
 * MODELS_DIR (else full-range BlazeFace from the built-in pack, then also YuNet's fallback), the dlib descriptor
 * (with the 68-point landmark model that aligns its chips), and MiniFASNet liveness when present.
 */
@Injectable()
export class FaceModels implements OnModuleInit {
  private readonly logger = new Logger(FaceModels.name);
  private readonly timers = new Map<string, InferenceTimer>();
  private manifest: ManifestModel[] = [];
  private loadError: string | null = null;
  detector!: FaceDetector;
  /**
   * With YuNet, the built-in detector, asked when YuNet finds no face in a photo meant to show one: each misses faces
   * the other finds (turned close-ups, some small LFW crops), so the optional pack finds what the default pack finds.
   */
  fallbackDetector: FaceDetector | null = null;
  embedder!: DlibFaceEmbedder;
  liveness: LivenessChecker | null = null;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    try {
      const builtIn = this.config.builtInModelsDir;
      this.manifest = await readModelManifest(builtIn);
      const sessions = { aloneThreads: this.config.inferenceThreads };
      const yunet = await YuNetDetector.create(this.config.modelsDir, sessions);
      this.detector = yunet ?? (await this.builtInDetector(builtIn, sessions));
      this.fallbackDetector = yunet ? await this.builtInDetector(builtIn, sessions) : null;
      this.embedder = await DlibFaceEmbedder.create(builtIn, sessions);
      this.liveness = await MiniFasNetLiveness.create(this.config.modelsDir);
      this.logger.log(
        `Models: detector ${this.detector.modelId}${this.fallbackDetector ? ` (then ${this.fallbackDetector.modelId})` : ''}, embedder ${this.embedder.modelId} ${this.embedder.modelVersion}, ` +
          `liveness ${this.liveness?.modelId ?? 'off (no MiniFASNet in MODELS_DIR)'}`,
      );
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
      this.logger.error(`Face models could not be loaded (run "npm run models:build"): ${this.loadError}`);
    }
  }

  /**
   * The default pack's detector: full-range BlazeFace over an image pyramid; the back model (one 256 px pass, faces
   * larger than about a sixth of the image) only for a pack built before the full-range model was part of it.
   */
  private async builtInDetector(builtIn: string, options: ModelSessionOptions): Promise<FaceDetector> {
    return this.manifest.some((m) => m.id === 'blazeface-full-range')
      ? FullRangeFaceDetector.create(builtIn, options)
      : BlazeFaceDetector.create(builtIn);
  }

  get ready(): boolean {
    return this.loadError === null && this.detector !== undefined && this.embedder !== undefined;
  }

  get problem(): string | null {
    return this.loadError;
  }

  /** Runs one model call and adds its duration to that model's average. */
  async timed<T>(modelId: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const timer = this.timers.get(modelId) ?? new InferenceTimer();
      timer.record(performance.now() - started);
      this.timers.set(modelId, timer);
    }
  }

  /** Every model this instance knows, loaded or not, for GET /models. */
  list(): ModelInfo[] {
    const landmarks = this.ready ? this.embedder.landmarkModelId : null;
    const loaded: Partial<
      Record<ModelTask, FaceDetector | FaceEmbedder | LivenessChecker | { modelId: string } | null>
    > = {
      face_detection: this.ready ? this.detector : null,
      face_landmarks: landmarks ? { modelId: landmarks } : null,
      face_embedding: this.ready ? this.embedder : null,
      liveness: this.liveness,
    };
    return describeModel.all(this.manifest).map((info) => {
      const active = loaded[info.task];
      const isLoaded = active?.modelId === info.id || (this.ready && this.fallbackDetector?.modelId === info.id);
      return {
        ...info,
        loaded: isLoaded,
        default_threshold:
          info.task === 'face_embedding' && isLoaded ? this.embedder.defaultThreshold : info.default_threshold,
        average_inference_ms: this.timers.get(info.id)?.averageMs ?? null,
      };
    });
  }
}
