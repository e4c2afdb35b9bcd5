import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsIn, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { SEVERITIES, type Severity } from '../audit/audit-log.entity.js';
import { QueryTime } from '../common/date-query.js';
import { Optional } from '../common/optional.js';
import { OrderingParam, orderingsOf } from '../common/ordering.js';
import { PageQuery } from '../common/pagination.js';
import { trim } from '../common/transforms.js';
import type { FileUrls } from '../storage/file-urls.js';
import {
  INCIDENT_STATUSES,
  INCIDENT_TYPES,
  type IncidentStatus,
  type IncidentType,
  type SecurityIncident,
} from './security-incident.entity.js';

export class CreateSecurityIncidentDto {
  @ApiProperty({ enum: INCIDENT_TYPES, enumName: 'SecurityIncidentType' })
  @IsIn(INCIDENT_TYPES)
  type: IncidentType;

  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity' })
  @IsIn(SEVERITIES)
  severity: Severity;

  /** The camera that saw it, in the caller's organisation. */
  @Optional()
  @IsUUID()
  camera_id?: string;

  /** When it happened (ISO 8601 date-time). */
  @ApiProperty({ type: String, format: 'date-time' })
  @IsDateString({ strict: true })
  occurred_at: string;

  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  description: string;
}

export class UpdateSecurityIncidentDto {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES, enumName: 'SecurityIncidentStatus' })
  @Optional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' })
  @Optional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  /** What was done about it (kept when the incident is resolved). */
  @Optional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  resolution?: string;
}

export const INCIDENT_ORDERINGS = orderingsOf(['occurred_at', 'severity', 'created_at'] as const);
export type IncidentOrdering = (typeof INCIDENT_ORDERINGS)[number];

export class SecurityIncidentQuery extends PageQuery {
  @OrderingParam(INCIDENT_ORDERINGS, 'SecurityIncidentOrdering', '-occurred_at')
  ordering: IncidentOrdering = '-occurred_at';

  @ApiPropertyOptional({ enum: INCIDENT_TYPES, enumName: 'SecurityIncidentType' })
  @Optional()
  @IsIn(INCIDENT_TYPES)
  type?: IncidentType;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' })
  @Optional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES, enumName: 'SecurityIncidentStatus' })
  @Optional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @Optional()
  @IsUUID()
  camera_id?: string;

  /** Occurred from this time on. */
  @QueryTime('from')
  date_from?: Date;

  /** Occurred up to this time. */
  @QueryTime('to')
  date_to?: Date;
}

export class SecurityIncidentDto {
  id: string;
  @ApiProperty({ enum: INCIDENT_TYPES, enumName: 'SecurityIncidentType' })
  type: IncidentType;
  @ApiProperty({ enum: SEVERITIES, enumName: 'Severity' })
  severity: Severity;
  @ApiProperty({ enum: INCIDENT_STATUSES, enumName: 'SecurityIncidentStatus' })
  status: IncidentStatus;
  camera_id: string | null;
  occurred_at: Date;
  description: string;
  /** Signed URL (no token needed; expires) of the photo, when one was sent. */
  image_url: string | null;
  /** Signed URL of the photo's thumbnail. */
  thumbnail_url: string | null;
  reported_by: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toSecurityIncidentDto(incident: SecurityIncident, urls: FileUrls): SecurityIncidentDto {
  return {
    id: incident.id,
    type: incident.type,
    severity: incident.severity,
    status: incident.status,
    camera_id: incident.cameraId,
    occurred_at: incident.occurredAt,
    description: incident.description,
    image_url: urls.signOptional(incident.organizationId, incident.imageFileId),
    thumbnail_url: urls.signOptional(incident.organizationId, incident.thumbnailFileId),
    reported_by: incident.reportedBy,
    resolved_by: incident.resolvedBy,
    resolved_at: incident.resolvedAt,
    resolution: incident.resolution,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
  };
}
