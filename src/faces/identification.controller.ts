import { Body, Controller, HttpCode, Post, UploadedFiles } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import { IdentifyFacesDto, IdentifyFacesResponseDto, MIN_FACE_SIZE_FIELD } from './identification.dto.js';
import { IdentificationService } from './identification.service.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('recognition')
@Controller('recognition')
@RateLimit('verification')
export class IdentificationController {
  constructor(private readonly identification: IdentificationService) {}

  /**
   * Names every face of an image among the organisation's enrolled people: one person per face at most, and
   * never one person for two faces.
   */
  @Post('identify')
  @HttpCode(200)
  @Authenticated({ permission: Permission.RecognitionUse })
  @ImageUpload(['image'], {
    top_k: { type: 'integer', minimum: 1, maximum: 5, default: 3, description: 'Candidates listed per face' },
    threshold: {
      type: 'number',
      minimum: 0.05,
      maximum: 1.5,
      description: "Largest distance that counts as a match (default: the model's calibrated one)",
    },
    department_id: { type: 'string', format: 'uuid', description: 'Only people of this department' },
    kind: { type: 'string', enum: ['employee', 'student'], description: 'Only employees or only students' },
    check_liveness: {
      type: 'boolean',
      description: 'Also check liveness and answer `liveness` per face (default false)',
    },
    min_face_size: MIN_FACE_SIZE_FIELD,
  })
  identifyFaces(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: IdentifyFacesDto,
  ): Promise<IdentifyFacesResponseDto> {
    return this.identification.identify(user, files, body);
  }
}
