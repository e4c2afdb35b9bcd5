import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { EmployeesService } from '../employees/employees.service.js';
import { IdentificationService } from '../faces/identification.service.js';
import { JobQueue } from '../jobs/job-queue.js';
import { sniffImageFormat } from '../recognition/engine/image-decoder.js';
import { requireImage, type UploadedImages } from '../recognition/image-upload.js';
import { RecognitionService } from '../recognition/recognition.service.js';
import { FileStorage } from '../storage/file-storage.js';
import type {
  BulkFrameResultDto,
  BulkRecognitionDto,
  BulkRecognitionResponseDto,
  CreateRecognitionTaskDto,
  IdentifyOptionsDto,
  RecognitionTaskDto,
  RecognitionTaskQueuedDto,
} from './recognition-task.dto.js';
import type { RecognitionTaskPayload } from './recognition-task.job.js';

/** Most frames one bulk request may carry. */
export const MAX_BULK_FRAMES = 20;
export const BULK_FIELD = 'frames';

/**
 * Recognition for clients that prefer tasks: a verify or identify queued on the job queue (its images staged as
 * files) and polled by id; and bulk identification of up to 20 frames in one synchronous request.
 */
@Injectable()
export class RecognitionTasksService {
  constructor(
    private readonly queue: JobQueue,
    private readonly storage: FileStorage,
    private readonly people: EmployeesService,
    private readonly identification: IdentificationService,
    private readonly recognition: RecognitionService,
  ) {}

  async create(
    caller: AuthUser,
    files: UploadedImages | undefined,
    input: CreateRecognitionTaskDto,
  ): Promise<RecognitionTaskQueuedDto> {
    const images = this.imagesOf(files, input);
    if (input.employee_id) await this.people.assertExists(caller.organizationId, input.employee_id);
    const staged: RecognitionTaskPayload['images'] = [];
    try {
      for (const [field, bytes] of images) {
        staged.push({ field, stagedKey: await this.storage.write(caller.organizationId, bytes, 'staged') });
      }
      const job = await this.queue.enqueue(
        'recognition.task',
        {
          organizationId: caller.organizationId,
          kind: input.kind,
          images: staged,
          employeeId: input.employee_id ?? null,
          options: identifyOptionsOf(input),
        },
        { organizationId: caller.organizationId, createdBy: caller.id },
      );
      return { task_id: job.id, status: job.status };
    } catch (error) {
      await Promise.all(staged.map((image) => this.storage.remove(image.stagedKey)));
      throw error;
    }
  }

  async get(caller: AuthUser, id: string): Promise<RecognitionTaskDto> {
    const job = await this.queue.find(id, caller.organizationId);
    if (!job || job.type !== 'recognition.task') throw ApiError.notFound('Recognition task');
    const error = job.error;
    return {
      task_id: job.id,
      kind: String(job.payload.kind),
      status: job.status,
      result: job.result ?? null,
      error: error ? { error: error.error, message: error.message, details: error.details } : null,
      created_at: job.createdAt,
      finished_at: job.finishedAt,
    };
  }

  /**
   * Identifies the faces of each frame (or, with `employee_id`, verifies each frame against that person), as
   * POST /recognition/identify (or /verify) would; a frame that fails answers its own error, not the request's.
   */
  async bulk(
    caller: AuthUser,
    files: UploadedImages | undefined,
    input: BulkRecognitionDto,
  ): Promise<BulkRecognitionResponseDto> {
    const started = performance.now();
    const frames = files?.[BULK_FIELD] ?? [];
    if (frames.length === 0 || frames.length > MAX_BULK_FRAMES) {
      throw ApiError.badRequest('validation_error', `Send 1 to ${MAX_BULK_FRAMES} frames`, [
        { field: BULK_FIELD, errors: [`between 1 and ${MAX_BULK_FRAMES} frames are required, got ${frames.length}`] },
      ]);
    }
    if (input.employee_id) await this.people.assertExists(caller.organizationId, input.employee_id);
    const organizationId = caller.organizationId;
    const results = await Promise.all(
      frames.map(async (frame, index): Promise<BulkFrameResultDto> => {
        const base = { index, filename: frame.originalname };
        try {
          const result = input.employee_id
            ? await this.recognition.verifyImages(organizationId, {
                imageA: frame.buffer,
                employeeId: input.employee_id,
              })
            : await this.identification.identifyImage(organizationId, frame.buffer, input);
          return { ...base, status: 'ok', result, error: null };
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          return {
            ...base,
            status: 'error',
            result: null,
            error: { error: error.code, message: error.message, details: error.details },
          };
        }
      }),
    );
    return { processing_time_ms: Math.round((performance.now() - started) * 10) / 10, frames: frames.length, results };
  }

  /** The images a task needs, each JPEG, PNG or WebP by its bytes (checked now rather than when it runs). */
  private imagesOf(files: UploadedImages | undefined, input: CreateRecognitionTaskDto): [string, Buffer][] {
    let fields: string[];
    if (input.kind === 'identify') {
      if (input.employee_id) throw onlyWithVerify('employee_id');
      fields = ['image'];
    } else if (input.employee_id) {
      if (files?.image_b?.length) throw onlyWithVerify('image_b', 'Send image_b or employee_id, not both');
      fields = ['image_a'];
    } else {
      fields = ['image_a', 'image_b'];
    }
    return fields.map((field) => {
      const bytes = requireImage(files, field);
      if (sniffImageFormat(bytes) === null) {
        throw new ApiError(
          HttpStatus.UNSUPPORTED_MEDIA_TYPE,
          'unsupported_media_type',
          `${field}: not a JPEG, PNG or WebP image`,
          {
            field,
            accepted: ['image/jpeg', 'image/png', 'image/webp'],
          },
        );
      }
      return [field, bytes];
    });
  }
}

function onlyWithVerify(field: string, message = `${field} goes with kind verify only`): ApiError {
  return ApiError.badRequest('validation_error', message, [{ field, errors: [message] }]);
}

/** Every identify option of a task's input (the validated body holds no other fields). */
function identifyOptionsOf(input: CreateRecognitionTaskDto): IdentifyOptionsDto {
  const { kind: _kind, employee_id: _employee, ...options } = input;
  return options;
}
