import { Body, Controller, Get, HttpCode, Patch, Post, Query, UploadedFiles } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../access/auth-user.js';
import { Authenticated, CurrentUser } from '../access/authenticated.decorator.js';
import { Permission } from '../access/permissions.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { IdParam } from '../common/id-param.js';
import { PageDto } from '../common/page.dto.js';
import type { PageOf } from '../common/pagination.js';
import { ImageUpload, type UploadedImages } from '../recognition/image-upload.js';
import {
  CreateSecurityIncidentDto,
  SecurityIncidentDto,
  SecurityIncidentQuery,
  UpdateSecurityIncidentDto,
} from './security-incident.dto.js';
import { INCIDENT_TYPES } from './security-incident.entity.js';
import { SEVERITIES } from '../audit/audit-log.entity.js';
import { SecurityIncidentsService } from './security-incidents.service.js';

@ApiTags('security')
@Controller('security/incidents')
export class SecurityIncidentsController {
  constructor(private readonly incidents: SecurityIncidentsService) {}

  /** Reports an incident (multipart; the photo is optional). It is also written to the security log. */
  @Post()
  @Authenticated({ permission: Permission.SecurityWrite })
  @ImageUpload(
    [],
    {
      type: { type: 'string', enum: INCIDENT_TYPES },
      severity: { type: 'string', enum: SEVERITIES },
      camera_id: { type: 'string', format: 'uuid' },
      occurred_at: { type: 'string', format: 'date-time' },
      description: { type: 'string', maxLength: 4000 },
    },
    { image: 1 },
    ['type', 'severity', 'occurred_at', 'description'],
  )
  @ApiCreatedResponse({ type: SecurityIncidentDto })
  @ApiErrors({ 404: ['not_found'] })
  createSecurityIncident(
    @CurrentUser() user: AuthUser,
    @UploadedFiles() files: UploadedImages,
    @Body() body: CreateSecurityIncidentDto,
  ): Promise<SecurityIncidentDto> {
    const image = files?.image?.[0];
    return this.incidents.create(user, body, image && image.size > 0 ? image.buffer : undefined);
  }

  /** The organisation's incidents, latest first by default. */
  @Get()
  @Authenticated({ permission: Permission.SecurityRead })
  @ApiOkResponse({ type: PageDto(SecurityIncidentDto) })
  listSecurityIncidents(
    @CurrentUser() user: AuthUser,
    @Query() query: SecurityIncidentQuery,
  ): Promise<PageOf<SecurityIncidentDto>> {
    return this.incidents.list(user, query);
  }

  /** One incident of the organisation, with signed URLs of its photo. */
  @Get(':id')
  @Authenticated({ permission: Permission.SecurityRead })
  getSecurityIncident(@CurrentUser() user: AuthUser, @IdParam() id: string): Promise<SecurityIncidentDto> {
    return this.incidents.get(user, id);
  }

  /** Resolves or reopens an incident, changes its severity or records what was done. */
  @Patch(':id')
  @HttpCode(200)
  @Authenticated({ permission: Permission.SecurityWrite })
  updateSecurityIncident(
    @CurrentUser() user: AuthUser,
    @IdParam() id: string,
    @Body() body: UpdateSecurityIncidentDto,
  ): Promise<SecurityIncidentDto> {
    return this.incidents.update(user, id, body);
  }
}
