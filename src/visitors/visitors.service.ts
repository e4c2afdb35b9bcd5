import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { Permission } from '../access/permissions.js';
import { AuditService } from '../audit/audit.service.js';
import { AttemptThrottle } from '../auth/attempt-throttle.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { EmployeesService } from '../employees/employees.service.js';
import type { CreateVisitorDto, UpdateVisitorDto, VisitorQuery } from './visitor.dto.js';
import { Visitor } from './visitor.entity.js';
import { VisitorFaceEraser } from './visitor-faces.js';
import { VisitorIdNumbers } from './visitor-id-numbers.js';
import {
  toVisitorDto,
  type VisitorDto,
  type VisitorLookupDto,
  type VisitorPreviewDto,
  type VisitorSuggestionDto,
  type VisitorView,
} from './visitor-response.dto.js';
import { VisitorsRepository } from './visitors.repository.js';
import { FileUrls } from '../storage/file-urls.js';

const MAX_SUGGESTIONS = 10;
/** The unique index on (organization_id, id_number_hash): one visitor per ID number in an organisation. */
const ID_NUMBER_INDEX = 'visitors_id_number_key';

/** A new visitor's fields before the body's are applied. */
const EMPTY_VISITOR = {
  gender: null,
  phone: null,
  email: null,
  company: null,
  purposeOfVisit: null,
  hostEmployeeId: null,
  floors: [],
  towers: [],
  durationFrom: null,
  durationTo: null,
  notes: null,
  isWatchlisted: false,
  watchlistReason: null,
  faceTemplates: 0,
  lastVisitAt: null,
  facesErasedAt: null,
} satisfies Partial<Visitor>;

/** Visitors of an organisation: their details, ID numbers kept sealed, and erasure. */
@Injectable()
export class VisitorsService {
  constructor(
    private readonly visitors: VisitorsRepository,
    private readonly idNumbers: VisitorIdNumbers,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly people: EmployeesService,
    private readonly faces: VisitorFaceEraser,
    private readonly urls: FileUrls,
    private readonly throttle: AttemptThrottle,
    private readonly config: AppConfig,
  ) {}

  async list(caller: AuthUser, query: VisitorQuery): Promise<PageOf<VisitorDto>> {
    const [rows, count] = await this.visitors.findPage(caller.organizationId, query);
    return new PageOf(
      rows.map((row) => this.toDto(caller, row)),
      count,
      query,
    );
  }

  async get(caller: AuthUser, id: string): Promise<VisitorDto> {
    return this.toDto(caller, await this.visitors.findInOrganization(caller.organizationId, id));
  }

  /** The visitor with this ID number and their latest photo per angle; `exists: false` when unknown. */
  async lookup(caller: AuthUser, rawIdNumber: string): Promise<VisitorLookupDto> {
    const normalised = VisitorIdNumbers.normalise(rawIdNumber);
    const hash = this.idNumbers.hash(caller.organizationId, normalised);
    const visitor = await this.visitors.findByIdNumberHash(caller.organizationId, hash);
    if (!visitor) return { exists: false, visitor: null, images: {} };
    const images: Record<string, string> = {};
    for (const face of await this.visitors.facesOf(caller.organizationId, visitor.id)) {
      if (face.photoId && !(face.angle in images))
        images[face.angle] = this.urls.sign(caller.organizationId, face.photoId);
    }
    return { exists: true, visitor: this.toDto(caller, visitor), images };
  }

  async preview(caller: AuthUser, id: string): Promise<VisitorPreviewDto> {
    const visitor = await this.visitors.findInOrganization(caller.organizationId, id);
    const [latest] = await this.visitors.facesOf(caller.organizationId, id);
    return {
      id: visitor.id,
      full_name: visitor.fullName,
      id_number: this.viewOf(caller, visitor).idNumber,
      company: visitor.company,
      latest_image_url: this.urls.signOptional(caller.organizationId, latest?.photoId),
      last_visit_at: visitor.lastVisitAt,
      is_watchlisted: visitor.isWatchlisted,
    };
  }

  /**
   * Up to 10 visitors whose ID number starts with the prefix, found by its keyed hash (nothing is decrypted).
   * Counted per user (VISITOR_SUGGEST_LIMIT per VISITOR_SUGGEST_WINDOW_SECONDS, across instances): a desk types a
   * few prefixes per visitor, while walking every prefix would list the organisation's visitors; beyond the limit
   * 429 `too_many_suggestions` with Retry-After.
   */
  async suggest(caller: AuthUser, prefix: string): Promise<VisitorSuggestionDto[]> {
    await this.throttle.hit(`visitor_suggest:${caller.id}`, this.config.visitorSuggestLimit, {
      organizationId: caller.organizationId,
      userId: caller.id,
    });
    const hash = this.idNumbers.prefixHash(caller.organizationId, prefix);
    const rows = await this.visitors.findByPrefixHash(caller.organizationId, hash, MAX_SUGGESTIONS);
    return rows.map((row) => ({
      id: row.id,
      id_number: this.viewOf(caller, row).idNumber,
      full_name: row.fullName,
    }));
  }

  async create(caller: AuthUser, input: CreateVisitorDto): Promise<VisitorDto> {
    const organizationId = caller.organizationId;
    await this.checkInput(caller, input);
    const visitor = Object.assign(new Visitor(), {
      organizationId,
      idType: input.id_type ?? 'national_id',
      ...EMPTY_VISITOR,
    });
    this.applyIdNumber(visitor, input.id_number);
    applyVisitorInput(visitor, input);
    return this.savingIdNumber(async (manager) => {
      await this.assertIdNumberFree(manager, visitor);
      const saved = await manager.getRepository(Visitor).save(visitor);
      await this.audit.record(
        { action: 'visitor.created', entityType: 'visitor', entityId: saved.id, newValues: this.auditView(saved) },
        manager,
      );
      return this.toDto(caller, saved);
    });
  }

  async update(caller: AuthUser, id: string, input: UpdateVisitorDto): Promise<VisitorDto> {
    const visitor = await this.visitors.findInOrganization(caller.organizationId, id);
    const before = this.auditView(visitor);
    await this.checkInput(caller, input, visitor);
    if (input.id_number !== undefined) this.applyIdNumber(visitor, input.id_number);
    if (input.id_type !== undefined) visitor.idType = input.id_type;
    applyVisitorInput(visitor, input);
    return this.savingIdNumber(async (manager) => {
      await this.assertIdNumberFree(manager, visitor);
      const saved = await manager.getRepository(Visitor).save(visitor);
      await this.audit.record(
        {
          action: 'visitor.updated',
          entityType: 'visitor',
          entityId: id,
          oldValues: before,
          newValues: this.auditView(saved),
        },
        manager,
      );
      return this.toDto(caller, saved);
    });
  }

  /**
   * Erases the visitor: their row (name, sealed number, contact details), face templates, photos and index entries.
   * Their visits stay for the building's records, with `visitor_id` null: nothing there names the person.
   */
  async remove(caller: AuthUser, id: string): Promise<void> {
    const organizationId = caller.organizationId;
    await this.visitors.findInOrganization(organizationId, id);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.visitors.lockInOrganization(manager, organizationId, id))) throw ApiError.notFound('Visitor');
      const templates = await this.faces.erase(manager, organizationId, id);
      await manager.getRepository(Visitor).delete({ id, organizationId });
      await this.audit.record(
        {
          action: 'visitor.erased',
          entityType: 'visitor',
          entityId: id,
          oldValues: { id, face_templates_erased: templates },
        },
        manager,
      );
    });
  }

  /** The visitor as the caller may see them (clear or masked number, watchlist reason or not). */
  toDto(caller: AuthUser, visitor: Visitor): VisitorDto {
    return toVisitorDto(visitor, this.viewOf(caller, visitor));
  }

  private viewOf(caller: AuthUser, visitor: Visitor): VisitorView {
    const privileged = caller.permissions.has(Permission.VisitorsViewIdNumber);
    return {
      idNumber: privileged
        ? this.idNumbers.open(visitor.organizationId, visitor.idNumberSealed)
        : VisitorIdNumbers.mask(visitor.idNumberLast4),
      showWatchlistReason: privileged,
    };
  }

  /** What the audit log keeps: everything but the clear number (masked) and the sealed forms. */
  private auditView(visitor: Visitor): VisitorDto {
    return toVisitorDto(visitor, { idNumber: VisitorIdNumbers.mask(visitor.idNumberLast4), showWatchlistReason: true });
  }

  private applyIdNumber(visitor: Visitor, normalised: string): void {
    const protectedNumber = this.idNumbers.protect(visitor.organizationId, normalised);
    visitor.idNumberSealed = protectedNumber.sealed;
    visitor.idNumberHash = protectedNumber.hash;
    visitor.idNumberPrefixHashes = protectedNumber.prefixHashes;
    visitor.idNumberLast4 = protectedNumber.last4;
  }

  private async assertIdNumberFree(manager: EntityManager, visitor: Visitor): Promise<void> {
    const holder = await this.visitors.findByIdNumberHash(visitor.organizationId, visitor.idNumberHash, manager);
    if (holder && holder.id !== visitor.id) throw idNumberTaken();
  }

  /**
   * Runs a write that sets an ID number. The check before it answers the usual case; two requests with one number
   * at the same time both pass it, and the unique index lets one commit: the other gets the same 409.
   */
  private async savingIdNumber<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      const driverError =
        error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : null;
      if (driverError?.code === '23505' && driverError.constraint === ID_NUMBER_INDEX) throw idNumberTaken();
      throw error;
    }
  }

  private async checkInput(caller: AuthUser, input: UpdateVisitorDto, current?: Visitor): Promise<void> {
    const watchlist = input.is_watchlisted !== undefined || input.watchlist_reason !== undefined;
    if (watchlist && !caller.permissions.has(Permission.VisitorsViewIdNumber)) {
      throw ApiError.forbidden('Only administrators (visitors:view_id_number) may change the watchlist');
    }
    if (input.host_employee_id && !(await this.people.exists(caller.organizationId, input.host_employee_id))) {
      throw ApiError.badRequest('validation_error', 'The host is not a person of this organisation', [
        { field: 'host_employee_id', errors: ['host_employee_id must be a person of the organisation'] },
      ]);
    }
    const from =
      input.duration_from !== undefined ? input.duration_from : (current?.durationFrom?.toISOString() ?? null);
    const to = input.duration_to !== undefined ? input.duration_to : (current?.durationTo?.toISOString() ?? null);
    if (from && to && new Date(to) < new Date(from)) {
      throw ApiError.badRequest('validation_error', 'duration_to is before duration_from', [
        { field: 'duration_to', errors: ['duration_to must not be before duration_from'] },
      ]);
    }
  }
}

function idNumberTaken(): ApiError {
  return ApiError.conflict('A visitor with this ID number already exists', [
    { field: 'id_number', errors: ['id_number belongs to another visitor'] },
  ]);
}

/** Copies the plain fields of a create/update body onto the entity (the ID number is handled apart). */
function applyVisitorInput(visitor: Visitor, input: UpdateVisitorDto): void {
  if (input.full_name !== undefined) visitor.fullName = input.full_name;
  if (input.gender !== undefined) visitor.gender = input.gender;
  if (input.phone !== undefined) visitor.phone = input.phone;
  if (input.email !== undefined) visitor.email = input.email;
  if (input.company !== undefined) visitor.company = input.company;
  if (input.purpose_of_visit !== undefined) visitor.purposeOfVisit = input.purpose_of_visit;
  if (input.host_employee_id !== undefined) visitor.hostEmployeeId = input.host_employee_id;
  if (input.floors !== undefined) visitor.floors = input.floors;
  if (input.towers !== undefined) visitor.towers = input.towers;
  if (input.duration_from !== undefined)
    visitor.durationFrom = input.duration_from ? new Date(input.duration_from) : null;
  if (input.duration_to !== undefined) visitor.durationTo = input.duration_to ? new Date(input.duration_to) : null;
  if (input.notes !== undefined) visitor.notes = input.notes;
  if (input.is_watchlisted !== undefined) visitor.isWatchlisted = input.is_watchlisted;
  if (input.watchlist_reason !== undefined) visitor.watchlistReason = input.watchlist_reason;
}
