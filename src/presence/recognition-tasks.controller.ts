import { Body, Controller, Get, HttpCode, Post, UploadedFiles } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { MIN_FACE_SIZE_FIELD } from '../faces/identification.dto.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import {
  BulkRecognitionDto,
  BulkRecognitionResponseDto,
  CreateRecognitionTaskDto,
  RecognitionTaskDto,
  RecognitionTaskQueuedDto,
} from './recognition-task.dto.js';
import { BULK_FIELD, MAX_BULK_FRAMES, RecognitionTasksService } from './recognition-tasks.service.js';

const IDENTIFY_FIELDS = {
  top_k: { type: 'integer', minimum: 1, maximum: 5, default: 3, description: 'identify: candidates listed per face' },
  threshold: {
    type: 'number',
    minimum: 0.05,
    maximum: 1.5,
    description: "identify: largest distance that counts as a match (default: the model's calibrated one)",
  },
  department_id: { type: 'string', format: 'uuid', description: 'identify: only people of this department' },
  check_liveness: { type: 'boolean', description: 'identify: also check liveness per face (default false)' },
  min_face_size: MIN_FACE_SIZE_FIELD,
};

@ApiTags('recognition')
@Controller('recognition')
export class RecognitionTasksController {
  constructor(private readonly tasks: RecognitionTasksService) {}

  /**
   * Queues a verify (`image_a` with `image_b` or `employee_id`) or identify (`image`) and answers at once with the
   * task to poll at GET /recognition/tasks/{id}.
   */
  @Post('tasks')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a verify or identify task' })
  @Authenticated({ permission: Permission.RecognitionUse })
  @ImageUpload(
    [],
    {
      kind: { type: 'string', enum: ['verify', 'identify'] },
      employee_id: { type: 'string', format: 'uuid', description: 'verify: instead of image_b' },
      ...IDENTIFY_FIELDS,
    },
    { image: 1, image_a: 1, image_b: 1 },
    ['kind'],
  )
  @ApiAcceptedResponse({ type: RecognitionTaskQueuedDto })
  createRecognitionTask(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: CreateRecognitionTaskDto,
  ): Promise<RecognitionTaskQueuedDto> {
    return this.tasks.create(user, files, body);
  }

  /** A task's status and, once done, its result (what verify or identify answers) or its error. */
  @Get('tasks/:id')
  @ApiOperation({ summary: 'Get a recognition task' })
  @Authenticated({ permission: Permission.RecognitionUse })
  @ApiOkResponse({ type: RecognitionTaskDto })
  getRecognitionTask(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<RecognitionTaskDto> {
    return this.tasks.get(user, id);
  }

  /**
   * Identifies the faces of up to 20 frames in one request (or verifies each against `employee_id`), answered
   * synchronously, one result or error per frame.
   */
  @Post('bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Identify (or verify) up to 20 frames at once' })
  @Authenticated({ permission: Permission.RecognitionUse })
  @ImageUpload(
    [],
    {
      [BULK_FIELD]: {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: `1-${MAX_BULK_FRAMES} frames`,
      },
      employee_id: { type: 'string', format: 'uuid', description: 'Verify each frame against this person' },
      ...IDENTIFY_FIELDS,
    },
    { [BULK_FIELD]: MAX_BULK_FRAMES },
    [BULK_FIELD],
  )
  @ApiOkResponse({ type: BulkRecognitionResponseDto })
  recognizeBulk(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: BulkRecognitionDto,
  ): Promise<BulkRecognitionResponseDto> {
    return this.tasks.bulk(user, files, body);
  }
}
