import { Body, Controller, Post, Res, UploadedFiles } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, type Caller, CurrentCaller } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import { FrameResponseDto, PostFrameDto } from './frame.dto.js';
import { FramesService } from './frames.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('presence')
@Controller('cameras/:id/frames')
export class FramesController {
  constructor(private readonly frames: FramesService) {}

  /**
   * A frame of the camera: every face in it becomes a presence event (or counts into the same face's event of the
   * last debounce window). Sent by the camera with its `X-Api-Key`, or by a user with `presence:write`.
   */
  @Post()
  @RateLimit('frames')
  @ApiOperation({ summary: 'Post a camera frame: faces become presence events' })
  @Authenticated({ permission: Permission.PresenceWrite, device: true })
  @ImageUpload(['image'], {
    frame_time: { type: 'string', format: 'date-time', description: 'When the frame was taken (default: now)' },
  })
  @ApiCreatedResponse({ type: FrameResponseDto, description: 'At least one new presence event' })
  @ApiOkResponse({ type: FrameResponseDto, description: 'No new event: no face, or only repeats' })
  async postFrame(
    @CurrentCaller() caller: Caller,
    @IdParam() cameraId: string,
    @UploadedFiles() files: UploadedImages,
    @Body() body: PostFrameDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<FrameResponseDto> {
    const answer = await this.frames.ingest(caller, cameraId, files, body);
    response.status(answer.status);
    return answer.body;
  }
}
