import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../access/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainEventBus } from '../events/domain-event-bus.js';
import { ApiError } from '../common/api-error.js';
import { PageOf } from '../common/pagination.js';
import type { PersonIdentityDto } from '../employees/employee-response.dto.js';
import { EmployeesService } from '../employees/employees.service.js';
import { FaceTemplatesService } from '../faces/face-templates.service.js';
import {
  type PresenceEventDto,
  type PresenceEventQuery,
  type ReviewedPresenceEventDto,
  type ReviewPresenceEventDto,
  toPresenceEventDto,
} from './presence-event.dto.js';
import { PresenceEvent } from './presence-event.entity.js';
import { PresenceEventsRepository } from './presence-events.repository.js';
import { PresenceSnapshots } from './presence-snapshots.js';
import { FileUrls } from '../storage/file-urls.js';

/** Reading presence events and reviewing them: approve, reject, or say who an unknown face is. */
@Injectable()
export class PresenceEventsService {
  constructor(
    private readonly repository: PresenceEventsRepository,
    private readonly dataSource: DataSource,
    private readonly people: EmployeesService,
    private readonly faces: FaceTemplatesService,
    private readonly snapshots: PresenceSnapshots,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly urls: FileUrls,
  ) {}

  async list(caller: AuthUser, query: PresenceEventQuery): Promise<PageOf<PresenceEventDto>> {
    const [rows, count] = await this.repository.findPage(caller.organizationId, query);
    const people = await this.identities(caller.organizationId, rows);
    return new PageOf(
      rows.map((row) =>
        toPresenceEventDto(row, row.employeeId ? (people.get(row.employeeId) ?? null) : null, this.urls),
      ),
      count,
      query,
    );
  }

  /** What the cameras saw of a person between two instants (for the attendance record of a day), oldest first. */
  async sightingsOf(organizationId: string, employeeId: string, from: Date, to: Date): Promise<PresenceEventDto[]> {
    const rows = await this.repository.ofPersonBetween(organizationId, employeeId, from, to, 200);
    const people = await this.identities(organizationId, rows);
    return rows.map((row) => toPresenceEventDto(row, people.get(employeeId) ?? null, this.urls));
  }

  async get(caller: AuthUser, id: string): Promise<PresenceEventDto> {
    const event = await this.repository.findInOrganization(caller.organizationId, id);
    if (!event) throw ApiError.notFound('Presence event');
    const people = await this.identities(caller.organizationId, [event]);
    return toPresenceEventDto(event, event.employeeId ? (people.get(event.employeeId) ?? null) : null, this.urls);
  }

  /**
   * Approves or rejects the event, or assigns it to a person of the organisation (it is then no unknown face); with
   * `add_template` the event's snapshot is enrolled as a face of that person by the usual enrollment job, queued
   * once the review has committed. Audited.
   */
  async review(caller: AuthUser, id: string, input: ReviewPresenceEventDto): Promise<ReviewedPresenceEventDto> {
    const organizationId = caller.organizationId;
    if (input.action !== 'assign' && (input.employee_id !== undefined || input.add_template !== undefined)) {
      throw ApiError.badRequest('validation_error', 'employee_id and add_template go with the assign action only', [
        { field: input.employee_id !== undefined ? 'employee_id' : 'add_template', errors: ['only with assign'] },
      ]);
    }
    const current = await this.repository.findInOrganization(organizationId, id);
    if (!current) throw ApiError.notFound('Presence event');
    const person = input.action === 'assign' ? await this.personToAssign(organizationId, input.employee_id!) : null;
    // Read before anything changes, so a snapshot that cannot be enrolled refuses the whole review.
    const snapshot = input.add_template ? await this.snapshots.enrollable(current) : null;
    const event = await this.dataSource.transaction(async (manager) => {
      const locked = await this.repository.lockInOrganization(manager, organizationId, id);
      if (!locked) throw ApiError.notFound('Presence event');
      if (person && !(await this.people.lockPresent(manager, organizationId, person.id))) {
        throw ApiError.notFound('Employee');
      }
      const before = reviewState(locked);
      Object.assign(locked, {
        reviewStatus: input.action === 'reject' ? 'rejected' : 'approved',
        reviewedBy: caller.id,
        reviewedAt: new Date(),
        reviewNote: input.note ?? locked.reviewNote,
        ...(person ? { employeeId: person.id, isUnknownFace: false, unknownEmbedding: null } : {}),
      } satisfies Partial<PresenceEvent>);
      const saved = await manager.getRepository(PresenceEvent).save(locked);
      await this.audit.record(
        {
          action: REVIEW_AUDIT_ACTIONS[input.action],
          entityType: 'presence_event',
          entityId: id,
          oldValues: before,
          newValues: { ...reviewState(saved), add_template: input.add_template ?? false },
        },
        manager,
      );
      // A held sighting (or an unknown face now named) counts from now on: attendance listens.
      if (input.action !== 'reject' && before.review_status === 'pending' && saved.employeeId) {
        await this.events.publish(manager, 'presence.approved', {
          organizationId,
          eventId: saved.id,
          employeeId: saved.employeeId,
          cameraId: saved.cameraId,
          locationId: saved.locationId,
          direction: saved.eventType,
          occurredAt: saved.occurredAt.toISOString(),
          similarity: saved.similarity,
          livenessPassed: saved.livenessPassed,
        });
      }
      return saved;
    });
    const enrollment =
      snapshot && person
        ? await this.faces.enrollPhoto(
            caller,
            person.id,
            { label: 'snapshot', bytes: snapshot },
            { check_liveness: false },
          )
        : null;
    const identity = person ?? (await this.identities(organizationId, [event])).get(event.employeeId ?? '') ?? null;
    return { ...toPresenceEventDto(event, identity, this.urls), enrollment };
  }

  /** The active person of the organisation named by `employee_id`; a 400 naming the field otherwise. */
  private async personToAssign(organizationId: string, employeeId: string): Promise<PersonIdentityDto> {
    const person = (await this.people.identities(organizationId, [employeeId])).get(employeeId);
    if (!person) {
      throw ApiError.badRequest('validation_error', 'The employee is not an active person of this organisation', [
        { field: 'employee_id', errors: ['employee_id must be an active person of the organisation'] },
      ]);
    }
    return person;
  }

  private identities(organizationId: string, events: PresenceEvent[]): Promise<Map<string, PersonIdentityDto>> {
    const ids = [...new Set(events.flatMap((event) => (event.employeeId ? [event.employeeId] : [])))];
    return this.people.identities(organizationId, ids);
  }
}

const REVIEW_AUDIT_ACTIONS = {
  approve: 'presence_event.approved',
  reject: 'presence_event.rejected',
  assign: 'presence_event.assigned',
} as const;

function reviewState(event: PresenceEvent) {
  return {
    employee_id: event.employeeId,
    is_unknown_face: event.isUnknownFace,
    review_status: event.reviewStatus,
    review_note: event.reviewNote,
  };
}
