import { HttpStatus, Injectable } from '@nestjs/common';
import type { Caller } from '../access/authenticated.decorator.js';
import type { CameraProfile } from '../cameras/camera-profile.js';
import { CamerasService } from '../cameras/cameras.service.js';
import { ApiError } from '../common/api-error.js';
import { IdentificationService } from '../faces/identification.service.js';
import { Metrics } from '../metrics/metrics.js';
import { ImageError } from '../recognition/engine/image-errors.js';
import { asApiError, requireImage, type UploadedImages } from '../recognition/image-upload.js';
import { type ImageAnalysis, RecognitionEngine } from '../recognition/recognition-engine.js';
import { type FrameResponseDto, type PostFrameDto, toFrameDetectionDto } from './frame.dto.js';
import { PresenceRecorder } from './presence-recorder.js';
import type { SeenFace } from './seen-face.js';
import { FileUrls } from '../storage/file-urls.js';
import type { EncodedPhoto } from '../storage/photo-store.js';
import { AppConfig } from '../config/app-config.js';
import { RecentFaces } from './recent-faces.js';

export interface FrameAnswer {
  /** 201 when the frame added an event, 200 when every face repeated one (or there was none). */
  status: HttpStatus.CREATED | HttpStatus.OK;
  body: FrameResponseDto;
}

/**
 * A camera's frame in, presence events out: detect faces from the camera's smallest face size on (liveness only when
 * the camera asks for it), match within the camera's organisation at the camera's threshold, store each face
 * (debounced), count the frame into the camera's health, and answer with the detections.
 */
@Injectable()
export class FramesService {
  private readonly recent: RecentFaces;

  constructor(
    private readonly cameras: CamerasService,
    private readonly engine: RecognitionEngine,
    private readonly identification: IdentificationService,
    private readonly recorder: PresenceRecorder,
    private readonly urls: FileUrls,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {
    this.recent = new RecentFaces(config.presence.debounceSeconds * 1000);
  }

  async ingest(
    caller: Caller,
    cameraId: string,
    files: UploadedImages | undefined,
    input: PostFrameDto,
  ): Promise<FrameAnswer> {
    const started = performance.now();
    const camera = await this.cameras.profileFor(organizationOf(caller, cameraId), cameraId);
    const frameTime = input.frame_time ? new Date(input.frame_time) : new Date();
    const bytes = requireImage(files, 'image');
    const analysis = await this.analyse(camera, bytes, started);
    this.metrics.framesProcessed.inc();
    const threshold = camera.confidenceThreshold ?? this.engine.embeddingModel.threshold;
    // Distance threshold t of normalised embeddings ⇔ cosine similarity 1 - t²/2.
    const alike = 1 - (threshold * threshold) / 2;
    const snapshots = this.snapshotsOf(camera, analysis, frameTime, alike);
    const matches = await this.identification.matchFaces(camera.organizationId, analysis.faces, threshold);
    const faces: SeenFace[] = analysis.faces.map((face, i) => ({
      face,
      match: matches[i],
      spoofed: face.liveness !== undefined && !face.liveness.is_live,
      snapshot: snapshots[i],
    }));
    const processed = { faces: faces.length, processingMs: elapsed(started) };
    // The health figures are a separate row: counted while the events are stored, not after.
    const [recorded] = await Promise.all([
      this.recorder.record({
        camera,
        frameTime,
        faces,
        unknownSimilarity: alike,
        processingMs: processed.processingMs,
        modelsUsed: analysis.models,
      }),
      this.cameras.recordFrame(camera.id, processed),
    ]);
    this.recent.remember(camera.id, embeddingsOf(analysis), frameTime);
    return {
      status: recorded.some((face) => face.created) ? HttpStatus.CREATED : HttpStatus.OK,
      body: {
        camera_id: camera.id,
        frame_time: frameTime.toISOString(),
        processing_ms: elapsed(started),
        detections: recorded.map((face) => toFrameDetectionDto(face, analysis.models, this.urls)),
      },
    };
  }

  /**
   * Each face's snapshot, encoded once when first asked for; already started for the faces the camera has not
   * shown lately, which will most likely become new events (see RecentFaces), so the encoding runs while the
   * database is asked.
   */
  private snapshotsOf(
    camera: CameraProfile,
    analysis: ImageAnalysis,
    frameTime: Date,
    alike: number,
  ): (() => Promise<EncodedPhoto>)[] {
    return analysis.faces.map((face, i) => {
      let encoded: Promise<EncodedPhoto> | undefined;
      const snapshot = () =>
        (encoded ??= Promise.all([analysis.snapshot(i), analysis.snapshotThumbnail(i)]).then(([photo, thumbnail]) => ({
          photo,
          thumbnail,
        })));
      if (face.embedding && this.recent.likelyNew(camera.id, face.embedding, frameTime, alike)) {
        // Awaited by the recorder if the face does become a new event; a failure is reported there.
        snapshot().catch(() => undefined);
      }
      return snapshot;
    });
  }

  /** Runs the models; a frame they cannot read still counts into the camera's health, as an error. */
  private async analyse(camera: CameraProfile, bytes: Buffer, started: number): Promise<ImageAnalysis> {
    try {
      return await this.engine.analyse(bytes, {
        embed: true,
        liveness: camera.livenessCheckEnabled,
        // A camera often sees no face: a guess below the detector's threshold would be an unknown face event.
        expectFace: false,
        // Smaller faces are told apart too poorly: they would be taken for the wrong person or a stranger.
        minFaceSize: camera.minFaceSize ?? this.config.presence.minFaceSize,
      });
    } catch (error) {
      const reason = error instanceof ImageError ? error.code : 'processing_failed';
      await this.cameras.recordFrame(camera.id, { faces: 0, processingMs: elapsed(started), error: reason });
      throw asApiError(error, 'image');
    }
  }
}

/**
 * The organisation the frame is posted in: the user's, or the device's when its key belongs to this camera. A key
 * acts only for its own camera; another camera's key is refused like a wrong key.
 */
function organizationOf(caller: Caller, cameraId: string): string {
  if (caller.kind === 'user') return caller.user.organizationId;
  if (caller.device.cameraId !== cameraId) {
    throw new ApiError(HttpStatus.UNAUTHORIZED, 'invalid_api_key', 'The API key is not valid for this camera');
  }
  return caller.device.organizationId;
}

function embeddingsOf(analysis: ImageAnalysis): Float32Array[] {
  return analysis.faces.flatMap((face) => (face.embedding ? [face.embedding] : []));
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
