import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error.js';
import type { CameraProfile, FrameOutcome } from './camera-profile.js';
import { Camera } from './camera.entity.js';

@Injectable()
export class CamerasService {
  constructor(@InjectRepository(Camera) private readonly cameras: Repository<Camera>) {}

  /** The active camera `id` of the organisation, for frame processing; 404 when unknown or inactive. */
  async profileFor(organizationId: string, id: string): Promise<CameraProfile> {
    const camera = await this.cameras.findOneBy({ id, organizationId, isActive: true });
    if (!camera) throw ApiError.notFound('Camera');
    return {
      id: camera.id,
      organizationId: camera.organizationId,
      locationId: camera.locationId,
      name: camera.name,
      direction: camera.direction,
      confidenceThreshold: camera.confidenceThreshold,
      livenessCheckEnabled: camera.livenessCheckEnabled,
      streamUrl: camera.sourceUrl,
    };
  }

  /** Counts a processed frame into the camera's health figures and marks the contact. */
  async recordFrame(cameraId: string, outcome: FrameOutcome): Promise<void> {
    const now = new Date();
    await this.cameras
      .createQueryBuilder()
      .update(Camera)
      .set({
        lastFrameAt: now,
        framesProcessed: () => 'frames_processed + 1',
        facesProcessed: () => `faces_processed + ${Math.max(0, Math.trunc(outcome.faces))}`,
        processingMsTotal: () => `processing_ms_total + ${Math.max(0, Number(outcome.processingMs) || 0)}`,
        ...(outcome.error ? { lastError: outcome.error, lastErrorAt: now, errorCount: () => 'error_count + 1' } : {}),
      })
      .where('id = :cameraId', { cameraId })
      .execute();
  }
}
