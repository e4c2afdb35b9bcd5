import { Body, Controller, HttpCode, Post, UploadedFiles } from '@nestjs/common';
import { ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { ImageUpload, type UploadedImages } from './image-upload.js';
import {
  DetectFacesDto,
  DetectFacesResponseDto,
  MIN_DETECTION_CONFIDENCE,
  VerifyFacesDto,
  VerifyFacesResponseDto,
} from './recognition.dto.js';
import { RecognitionService } from './recognition.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('recognition')
@Controller('recognition')
@RateLimit('verification')
export class RecognitionController {
  constructor(private readonly recognition: RecognitionService) {}

  /** Finds the faces in an image with landmarks, quality measures and (when the models are present) liveness. */
  @Post('detect')
  @HttpCode(200)
  @Authenticated({ permission: Permission.RecognitionUse })
  @ImageUpload(['image'], {
    min_confidence: {
      type: 'number',
      minimum: MIN_DETECTION_CONFIDENCE,
      maximum: 1,
      // What a form pre-fills: a threshold that finds real faces with either detector and lists no noise.
      example: 0.75,
      description: "Detector score threshold (default: the detector's own, 0.9 for YuNet, 0.65 for BlazeFace)",
    },
  })
  detectFaces(@UploadedFiles() files: UploadedImages, @Body() body: DetectFacesDto): Promise<DetectFacesResponseDto> {
    return this.recognition.detect(files, body);
  }

  /**
   * Tells whether the main faces of two images (the largest, or of faces at least half its area the one nearest the
   * centre) are the same person (or image_a and an enrolled person, with `employee_id`), with the distance and
   * threshold.
   */
  @Post('verify')
  @HttpCode(200)
  @Authenticated({ permission: Permission.RecognitionUse })
  @ImageUpload(
    ['image_a'],
    { employee_id: { type: 'string', format: 'uuid', description: 'Instead of image_b' } },
    { image_b: 1 },
    ['image_a'],
  )
  @ApiUnprocessableEntityResponse({ description: 'no_face_detected: details.field names the image' })
  @ApiErrors({ 404: ['not_found'], 422: ['no_face_detected', 'not_enrolled', 'liveness_failed'] })
  verifyFaces(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: VerifyFacesDto,
  ): Promise<VerifyFacesResponseDto> {
    return this.recognition.verify(user, files, body);
  }
}
