import { Body, Controller, HttpCode, Post, UploadedFiles } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import { IdentifyFacesDto, IdentifyFacesResponseDto } from './identification.dto.js';
import { IdentificationService } from './identification.service.js';

@ApiTags('recognition')
@Controller('recognition')
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
    top_k: { type: 'integer', description: 'Candidates listed per face, 1-5' },
    threshold: { type: 'number', description: 'Largest distance that counts as a match' },
    department_id: { type: 'string', description: 'Only people of this department' },
    kind: { type: 'string', description: 'employee or student' },
  })
  identifyFaces(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: IdentifyFacesDto,
  ): Promise<IdentifyFacesResponseDto> {
    return this.identification.identify(user, files, body);
  }
}
