import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { IdentificationService } from '../faces/identification.service.js';
import type { IdentifyFacesResponseDto } from '../faces/identification.dto.js';
import { JobFailure } from '../jobs/job-queue.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { RecognitionService } from '../recognition/recognition.service.js';
import type { VerifyFacesResponseDto } from '../recognition/recognition.dto.js';
import { FileStorage } from '../storage/file-storage.js';
import type { IdentifyOptionsDto, RecognitionTaskKind } from './recognition-task.dto.js';

/** What a recognition task carries: its images staged as files under DATA_DIR, never their bytes. */
export interface RecognitionTaskPayload {
  organizationId: string;
  kind: RecognitionTaskKind;
  /** `image` (identify), or `image_a` and maybe `image_b` (verify). */
  images: { field: string; stagedKey: string }[];
  employeeId: string | null;
  options: IdentifyOptionsDto;
}

export type RecognitionTaskResult = IdentifyFacesResponseDto | VerifyFacesResponseDto;

declare module '../jobs/job-types.js' {
  interface JobTypes {
    'recognition.task': { payload: RecognitionTaskPayload; result: RecognitionTaskResult };
  }
}

/**
 * Runs a queued verify or identify as POST /recognition/verify or /identify would, and removes its staged images
 * whatever the outcome. An answer those routes give as an error (no face, not enrolled, a bad image) fails the
 * task with that error's code, message and details.
 */
@Injectable()
export class RecognitionTaskRunner {
  constructor(
    private readonly storage: FileStorage,
    private readonly identification: IdentificationService,
    private readonly recognition: RecognitionService,
  ) {}

  @OnJob('recognition.task')
  async run(payload: RecognitionTaskPayload): Promise<RecognitionTaskResult> {
    try {
      const images = new Map<string, Buffer>();
      for (const { field, stagedKey } of payload.images) {
        const bytes = await this.storage.read(stagedKey).catch(() => null);
        if (!bytes) throw new JobFailure('images_missing', 'The uploaded images are no longer available; send again');
        images.set(field, bytes);
      }
      return await this.recognise(payload, images);
    } catch (error) {
      if (error instanceof ApiError) throw new JobFailure(error.code, error.message, error.details);
      throw error;
    } finally {
      await Promise.all(payload.images.map((image) => this.storage.remove(image.stagedKey)));
    }
  }

  private recognise(payload: RecognitionTaskPayload, images: Map<string, Buffer>): Promise<RecognitionTaskResult> {
    const { organizationId, employeeId } = payload;
    if (payload.kind === 'identify') {
      return this.identification.identifyImage(organizationId, images.get('image')!, payload.options);
    }
    const imageA = images.get('image_a')!;
    return employeeId
      ? this.recognition.verifyImages(organizationId, { imageA, employeeId })
      : this.recognition.verifyImages(organizationId, { imageA, imageB: images.get('image_b')! });
  }
}
