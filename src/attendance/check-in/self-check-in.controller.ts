import { Body, Controller, Post, UploadedFiles } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { AuthUser } from '../../access/auth-user.js';
import { Authenticated, CurrentUser } from '../../access/authenticated.decorator.js';
import { Permission } from '../../access/permissions.js';
import { ImageUpload, requireImage, type UploadedImages } from '../../recognition/image-upload.js';
import { SelfCheckInDto, SelfCheckInResultDto } from './self-check-in.dto.js';
import { SelfCheckInService } from './self-check-in.service.js';
import { ApiErrors } from '../../common/api-errors.decorator.js';
import { RateLimit } from '../../rate-limits/rate-limit.decorator.js';

@ApiTags('attendance')
@Controller('attendance')
export class SelfCheckInController {
  constructor(private readonly checkIns: SelfCheckInService) {}

  @Post('check-in')
  @RateLimit('verification')
  @Authenticated({ permission: Permission.AttendanceSelfCheckIn })
  @ApiOperation({ summary: 'Check oneself in (or out) from a phone: selfie and location' })
  @ImageUpload(['image'], {
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    direction: { type: 'string', enum: ['in', 'out'], default: 'in' },
  })
  @ApiUnprocessableEntityResponse({
    description: 'outside_geofence, face_mismatch, spoof_suspected, no_face_detected or not_enrolled',
  })
  @ApiErrors({ 404: ['not_found'], 422: ['outside_geofence', 'face_mismatch', 'spoof_suspected', 'no_face_detected'] })
  selfCheckIn(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: SelfCheckInDto,
  ): Promise<SelfCheckInResultDto> {
    return this.checkIns.checkIn(user, requireImage(files, 'image'), body);
  }
}
