import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res, UploadedFiles } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { IdParam } from '../common/id-param.js';
import { JobDto } from '../jobs/job.dto.js';
import type { PageOf } from '../common/pagination.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import { ANGLE_FIELDS, IMAGES_FIELD, MAX_ENROLLMENT_PHOTOS } from './enrollment-photos.js';
import {
  EnrollFacesDto,
  EnrollmentResultDto,
  EnrollQuery,
  FaceTemplateDto,
  FaceTemplatePageDto,
  FaceTemplateQuery,
  UpdateFaceTemplateDto,
} from './face-template.dto.js';
import { FaceTemplatesService } from './face-templates.service.js';
import { ApiErrors } from '../common/api-errors.decorator.js';

@ApiTags('faces')
@Controller('employees/:employeeId/faces')
export class FacesController {
  constructor(private readonly faces: FaceTemplatesService) {}

  /**
   * Enrolls 1-10 photos of the person: the named angles (front, left, right, angled_left, angled_right) and/or
   * repeated `images`. Runs as a job: 202 with its id, or with `?wait=true` 201 with the result.
   */
  @Post()
  @Authenticated({ permission: Permission.EmployeesWrite })
  @ImageUpload(
    [...ANGLE_FIELDS],
    {
      [IMAGES_FIELD]: {
        type: 'array',
        items: { type: 'string', format: 'binary' },
        description: `Up to ${MAX_ENROLLMENT_PHOTOS} photos`,
      },
      all_or_nothing: { type: 'boolean', description: 'Keep nothing when any photo fails' },
      check_liveness: { type: 'boolean', description: 'Reject photos of photos or screens (default true)' },
    },
    { [IMAGES_FIELD]: MAX_ENROLLMENT_PHOTOS },
  )
  @ApiCreatedResponse({ type: EnrollmentResultDto, description: 'With ?wait=true' })
  @ApiAcceptedResponse({ type: JobDto, description: 'The job to poll at GET /jobs/{id}' })
  @ApiUnprocessableEntityResponse({ description: 'With ?wait=true, when no photo was accepted' })
  @ApiErrors({
    404: ['person_deleted'],
    422: [
      'no_face_detected',
      'multiple_faces',
      'low_quality',
      'liveness_failed',
      'enrollment_failed',
      'invalid_image',
      'image_too_large',
      'unsupported_media_type',
      'unsupported_aspect_ratio',
      'image_decode_timeout',
    ],
  })
  async enrollFaces(
    @CurrentUser() user: AuthUser,
    @IdParam('employeeId') employeeId: string,
    @UploadedFiles() files: UploadedImages,
    @Body() body: EnrollFacesDto,
    @Query() query: EnrollQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EnrollmentResultDto | JobDto> {
    const answer = await this.faces.enroll(user, employeeId, files, body, query.wait ?? false);
    response.status(answer.status);
    return answer.body;
  }

  /** The person's face templates, primary first. Embeddings are never returned. */
  @Get()
  @Authenticated({ permission: Permission.EmployeesRead })
  @ApiOkResponse({ type: FaceTemplatePageDto })
  listFaces(
    @CurrentUser() user: AuthUser,
    @IdParam('employeeId') employeeId: string,
    @Query() query: FaceTemplateQuery,
  ): Promise<PageOf<FaceTemplateDto>> {
    return this.faces.list(user, employeeId, query);
  }

  /** Makes a template the primary photo. */
  @Patch(':faceId')
  @Authenticated({ permission: Permission.EmployeesWrite })
  updateFace(
    @CurrentUser() user: AuthUser,
    @IdParam('employeeId') employeeId: string,
    @IdParam('faceId') faceId: string,
    @Body() _body: UpdateFaceTemplateDto,
  ): Promise<FaceTemplateDto> {
    return this.faces.setPrimary(user, employeeId, faceId);
  }

  /** Deletes a template with its photo and thumbnail; it stops matching at once. */
  @Delete(':faceId')
  @HttpCode(204)
  @Authenticated({ permission: Permission.EmployeesWrite })
  deleteFace(
    @CurrentUser() user: AuthUser,
    @IdParam('employeeId') employeeId: string,
    @IdParam('faceId') faceId: string,
  ): Promise<void> {
    return this.faces.remove(user, employeeId, faceId);
  }
}
