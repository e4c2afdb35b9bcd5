import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../common/page.dto.js';
import { ID_TYPES } from './visitor.dto.js';
import type { Visitor } from './visitor.entity.js';

/** Response shapes of the visitors API and their mappers: sealed numbers, hashes and embeddings never leave. */

export class VisitorDto {
  id: string;
  organization_id: string;
  /** Masked (`XXXX-XXXX-1234`) unless the caller has `visitors:view_id_number`. */
  id_number: string;
  @ApiProperty({ enum: ID_TYPES, enumName: 'VisitorIdType' })
  id_type: string;
  full_name: string;
  gender: string | null;
  phone: string | null;
  email: string | null;
  company: string | null;
  purpose_of_visit: string | null;
  host_employee_id: string | null;
  floors: string[];
  towers: string[];
  duration_from: Date | null;
  duration_to: Date | null;
  notes: string | null;
  is_watchlisted: boolean;
  /** Shown to holders of `visitors:view_id_number` only (null for others). */
  watchlist_reason: string | null;
  /** Face templates stored for the visitor. */
  @ApiProperty({ type: 'integer' })
  face_templates: number;
  last_visit_at: Date | null;
  /** When retention erased the visitor's faces and photos (VISITOR_RETENTION_DAYS after the last visit); null otherwise. */
  faces_erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export class VisitorListDto extends PageDto(VisitorDto) {}

/** The desk's question before registering someone: is this ID number known, and with which photos. */
export class VisitorLookupDto {
  exists: boolean;
  @ApiProperty({ type: VisitorDto, nullable: true })
  visitor: VisitorDto | null;
  /** Signed URL of the latest photo of each angle (no token needed; expires), e.g. `{ "front": "…" }`. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  images: Record<string, string>;
}

/** A short card of the visitor for the desk. */
export class VisitorPreviewDto {
  id: string;
  full_name: string;
  id_number: string;
  company: string | null;
  /** API path of the latest photo, or null without photos. */
  latest_image_url: string | null;
  last_visit_at: Date | null;
  is_watchlisted: boolean;
}

export class VisitorSuggestionDto {
  id: string;
  id_number: string;
  full_name: string;
}

/** How the caller may see a visitor's sensitive fields. */
export interface VisitorView {
  /** The number as the caller may see it: clear or masked. */
  idNumber: string;
  showWatchlistReason: boolean;
}

export function toVisitorDto(visitor: Visitor, view: VisitorView): VisitorDto {
  return {
    id: visitor.id,
    organization_id: visitor.organizationId,
    id_number: view.idNumber,
    id_type: visitor.idType,
    full_name: visitor.fullName,
    gender: visitor.gender,
    phone: visitor.phone,
    email: visitor.email,
    company: visitor.company,
    purpose_of_visit: visitor.purposeOfVisit,
    host_employee_id: visitor.hostEmployeeId,
    floors: visitor.floors,
    towers: visitor.towers,
    duration_from: visitor.durationFrom,
    duration_to: visitor.durationTo,
    notes: visitor.notes,
    is_watchlisted: visitor.isWatchlisted,
    watchlist_reason: view.showWatchlistReason ? visitor.watchlistReason : null,
    face_templates: visitor.faceTemplates,
    last_visit_at: visitor.lastVisitAt,
    faces_erased_at: visitor.facesErasedAt,
    created_at: visitor.createdAt,
    updated_at: visitor.updatedAt,
  };
}
