import { Body, Controller, Get, HttpCode, Post, Res, UploadedFiles } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { ANGLE_FIELDS } from '../faces/enrollment-photos.js';
import { JobDto } from '../jobs/job.dto.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import { VisitorIdentifyBodyDto, VisitorIdentifyResultDto } from './visitor-identification.dto.js';
import { VisitorIdentificationService } from './visitor-identification.service.js';
import { VisitorPhotosDto, VisitorPhotosResultDto } from './visitor-photos.dto.js';
import { VisitorPhotosService } from './visitor-photos.service.js';
import { VisitorReindex } from './visitor-reindex.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('visitors')
@Controller('visitors')
export class VisitorPhotosController {
  constructor(
    private readonly photos: VisitorPhotosService,
    private readonly identification: VisitorIdentificationService,
    private readonly reindex: VisitorReindex,
  ) {}

  /** Any subset of the five angles; each photo must show exactly one face of enrollment quality. */
  @Post(':id/photos')
  @ApiOperation({ summary: "Adds the visitor's photos by angle and makes them recognisable" })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ImageUpload(
    [...ANGLE_FIELDS],
    { check_liveness: { type: 'boolean', description: 'Reject photos of photos or screens (default true)' } },
    {},
    [],
  )
  @ApiCreatedResponse({ type: VisitorPhotosResultDto })
  @ApiUnprocessableEntityResponse({ description: 'No photo passed the checks (no_photo_accepted)' })
  @ApiErrors({ 422: ['no_photo_accepted'] })
  addVisitorPhotos(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @UploadedFiles() files: UploadedImages,
    @Body() body: VisitorPhotosDto,
  ): Promise<VisitorPhotosResultDto> {
    return this.photos.enroll(user, id, files, body);
  }

  @Get(':id/latest-image')
  @ApiOperation({ summary: "The visitor's most recent photo" })
  @Authenticated({ permission: Permission.VisitorsRead })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  async getVisitorLatestImage(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Res() response: Response,
  ): Promise<void> {
    const { file, bytes } = await this.photos.latestImage(user, id);
    response
      .status(200)
      .type(file.contentType)
      .setHeader('Cache-Control', 'private, no-store')
      .setHeader('Content-Disposition', 'inline')
      .send(bytes);
  }

  /** Searches the visitors' gallery only (never employees), so the desk can pre-fill a returning visitor's form. */
  @Post('identify')
  @RateLimit('verification')
  @HttpCode(200)
  @ApiOperation({ summary: 'The returning visitor in a desk photo' })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ImageUpload(['image'])
  @ApiOkResponse({ type: VisitorIdentifyResultDto })
  identifyVisitor(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    // No text fields: the empty body DTO makes the validation pipe refuse any that are sent.
    @Body() _body: VisitorIdentifyBodyDto,
  ): Promise<VisitorIdentifyResultDto> {
    return this.identification.identify(user, files);
  }

  /** After a model upgrade: re-embeds the visitor faces an older model made, from their photos (poll GET /jobs/:id). */
  @Post('reindex')
  @HttpCode(202)
  @ApiOperation({ summary: "Queues the re-embedding of visitors' faces made by an older model" })
  @Authenticated({ permission: Permission.VisitorsWrite })
  @ApiAcceptedResponse({ type: JobDto })
  reindexVisitorFaces(@CurrentUser() user: AuthUser): Promise<JobDto> {
    return this.reindex.start(user);
  }
}
