import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { AppConfig } from '../../config/app-config.js';
import { type RosterEntry, EmployeesService } from '../../employees/employees.service.js';
import { DomainEventBus } from '../../events/domain-event-bus.js';
import { type FaceMatch, IdentificationService } from '../../faces/identification.service.js';
import { OrganizationsService } from '../../organizations/organizations.service.js';
import { asApiError } from '../../recognition/image-upload.js';
import { type AnalysedFace, RecognitionEngine } from '../../recognition/recognition-engine.js';
import { roundBox } from '../../recognition/recognition.dto.js';
import { PhotoStore, type StoredPhoto } from '../../storage/photo-store.js';
import { toLocalTime } from '../local-time.js';
import { publishClassMark } from './class-mark-published.js';
import type {
  ClassPhotoMarkResultDto,
  MarkClassPhotoDto,
  MarkedStudentDto,
  UnrecognizedFaceDto,
} from './class-session.dto.js';
import type { ClassSession } from './class-session.entity.js';
import type { ClassSessionMark } from './class-session-mark.entity.js';
import { arrivalStatus } from './class-session-rules.js';
import { ClassSessionStatistics } from './class-session-statistics.js';
import { ClassSessionsRepository } from './class-sessions.repository.js';
import { assertActive } from './class-sessions.service.js';
import { TeachingScope } from './teaching-scope.js';

/** How far ahead of the server's clock a camera's `taken_at` may be (clocks drift). */
const CLOCK_SKEW_MS = 60_000;

/** One recognised student of the photo. */
interface Recognised {
  face: AnalysedFace;
  match: FaceMatch & { person: NonNullable<FaceMatch['person']> };
}

/**
 * Marks a class session from a class photo: every face is identified among the session's department's students
 * only (the one 1:N search, restricted to their ids), and each recognised student without a mark becomes
 * `present` or `late`; one already marked (an earlier photo, or by hand) is counted as a duplicate attempt and
 * left as it is. Faces of nobody in the class, and faces under IDENTIFY_MIN_FACE_SIZE (`too_small`), come back with
 * a stored crop. Several photos of a class add up.
 */
@Injectable()
export class ClassSessionMarking {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: ClassSessionsRepository,
    private readonly statistics: ClassSessionStatistics,
    private readonly scope: TeachingScope,
    private readonly people: EmployeesService,
    private readonly organizations: OrganizationsService,
    private readonly engine: RecognitionEngine,
    private readonly identification: IdentificationService,
    private readonly photos: PhotoStore,
    private readonly audit: AuditService,
    private readonly events: DomainEventBus,
    private readonly config: AppConfig,
  ) {}

  async mark(caller: AuthUser, id: string, image: Buffer, input: MarkClassPhotoDto): Promise<ClassPhotoMarkResultDto> {
    const started = performance.now();
    const found = await this.repository.findInOrganization(caller.organizationId, id);
    await this.scope.assertMayTeach(caller, found.departmentId);
    assertActive(found, 'marked');
    const { timeZone } = await this.organizations.calendarOf(caller.organizationId);
    const takenAt = input.taken_at ?? new Date();
    assertTakenOnTheDay(takenAt, found, timeZone);
    const students = found.departmentId
      ? (await this.people.roster(caller.organizationId, { departmentId: found.departmentId })).filter(
          (person) => person.kind === 'student',
        )
      : [];
    // A class photo's faces are found at the detector's threshold; no guessed face when none is (expectFace).
    const analysis = await this.engine
      .analyse(image, { embed: true, snapshots: true, expectFace: false })
      .catch((error: unknown) => {
        throw asApiError(error, 'image');
      });
    const matches = await this.identification.matchFaces(
      caller.organizationId,
      analysis.faces,
      this.engine.embeddingModel.threshold,
      // Faces too small to tell students apart are not named (and take no student from a larger face).
      { among: students.map((student) => student.id), minFaceSize: this.config.identifyMinFaceSize },
    );
    const recognised: Recognised[] = analysis.faces.flatMap((face, i) => {
      const match = matches[i];
      return match.person ? [{ face, match: { ...match, person: match.person } }] : [];
    });
    const stored: StoredPhoto[] = [];
    let outcome;
    try {
      outcome = await this.dataSource.transaction(async (manager) => {
        const session = await this.repository.lockInOrganization(manager, caller.organizationId, id);
        assertActive(session, 'marked');
        const ids = recognised.map(({ match }) => match.person.id);
        const earlier = new Map(
          (await this.repository.marksAmong(manager, session.id, ids)).map((mark) => [mark.employeeId, mark]),
        );
        const status = arrivalStatus(takenAt, session, timeZone, this.config.classLateAfterMinutes);
        const inserted = await this.repository.insertNew(
          manager,
          recognised
            .filter(({ match }) => !earlier.has(match.person.id))
            .map(({ match }) => ({
              organizationId: caller.organizationId,
              sessionId: session.id,
              employeeId: match.person.id,
              status,
              source: 'photo' as const,
              markedAt: takenAt,
              similarity: match.decision!.similarity,
              markedBy: caller.id,
            })),
        );
        const unrecognized: UnrecognizedFaceDto[] = [];
        for (const [i, face] of analysis.faces.entries()) {
          if (matches[i].person) continue;
          const photo = face.snapshot ? await this.photos.save(manager, caller.organizationId, face.snapshot) : null;
          if (photo) stored.push(photo);
          unrecognized.push({
            bbox: roundBox(face.bbox),
            reason: matches[i].reason ?? 'below_threshold',
            thumbnail_url: photo ? `/api/v1/files/${photo.thumbnail.id}` : null,
          });
        }
        await this.audit.record(
          {
            action: 'class_session.photo_marked',
            entityType: 'class_session',
            entityId: session.id,
            newValues: {
              faces_detected: analysis.faces.length,
              marked: inserted.map((mark) => ({ employee_id: mark.employeeId, status: mark.status })),
              duplicate_attempts: recognised.length - inserted.length,
            },
          },
          manager,
        );
        await this.publish(manager, session, inserted, students);
        return { session, inserted, earlier, unrecognized };
      });
    } catch (error) {
      // The rows of the stored crops were rolled back: their files go too.
      await this.photos.discard(stored.flatMap(({ photo, thumbnail }) => [photo, thumbnail]));
      throw error;
    }
    const marks = new Map([...outcome.earlier, ...outcome.inserted.map((mark) => [mark.employeeId, mark] as const)]);
    const newIds = new Set(outcome.inserted.map((mark) => mark.employeeId));
    const attendance_marked: MarkedStudentDto[] = recognised.map(({ face, match }) => ({
      employee_id: match.person.id,
      employee: match.person,
      status: marks.get(match.person.id)!.status,
      new_mark: newIds.has(match.person.id),
      similarity: match.decision!.similarity,
      bbox: roundBox(face.bbox),
    }));
    const figures = (await this.statistics.of(caller.organizationId, [outcome.session])).get(outcome.session.id)!;
    return {
      session_id: id,
      processing_time_ms: Math.round((performance.now() - started) * 10) / 10,
      faces_detected: analysis.faces.length,
      faces_recognized: recognised.length,
      attendance_marked,
      unrecognized: outcome.unrecognized,
      summary: {
        total_marked: attendance_marked.length,
        new_marks: outcome.inserted.length,
        duplicate_attempts: attendance_marked.length - outcome.inserted.length,
        session_attendance: {
          total: figures.total,
          present: figures.present + figures.late,
          percentage: figures.percentage,
        },
      },
    };
  }

  private async publish(
    manager: Parameters<typeof publishClassMark>[1],
    session: ClassSession,
    marks: ClassSessionMark[],
    students: RosterEntry[],
  ): Promise<void> {
    const users = new Map(students.map((student) => [student.id, student.userId]));
    for (const mark of marks) {
      await publishClassMark(this.events, manager, session, mark, users.get(mark.employeeId) ?? null);
    }
  }
}

/** 400 unless the photo was taken on the session's (local) day and not in the future. */
function assertTakenOnTheDay(takenAt: Date, session: ClassSession, timeZone: string): void {
  if (takenAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
    throw ApiError.badRequest('validation_error', 'The photo cannot be taken in the future', [
      { field: 'taken_at', errors: ['taken_at must not be in the future'] },
    ]);
  }
  const day = toLocalTime(takenAt, timeZone).date;
  if (day !== session.date) {
    throw ApiError.badRequest('validation_error', `The photo is of ${day}; the session is on ${session.date}`, [
      { field: 'taken_at', errors: ["the photo must be taken on the session's day"] },
    ]);
  }
}
