import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, Repository } from 'typeorm';
import { ApiError } from '../../common/api-error.js';
import { findInOrganization } from '../../common/find-in-organization.js';
import { PageOf } from '../../common/pagination.js';
import type { ClassSessionQuery } from './class-session.dto.js';
import { ClassSession } from './class-session.entity.js';
import { type ClassMarkStatus, ClassSessionMark } from './class-session-mark.entity.js';

/** How many students of a session are marked what. */
export type MarkCounts = Record<ClassMarkStatus, number>;

export const NO_MARKS: MarkCounts = { present: 0, late: 0, absent: 0, excused: 0 };

/** A mark to insert unless the student already has one in the session. */
export type NewMark = Pick<
  ClassSessionMark,
  'organizationId' | 'sessionId' | 'employeeId' | 'status' | 'source' | 'markedAt' | 'similarity' | 'markedBy'
>;

/** SQL of class sessions and their marks; every read is scoped to one organisation. */
@Injectable()
export class ClassSessionsRepository {
  constructor(
    @InjectRepository(ClassSession) private readonly sessions: Repository<ClassSession>,
    @InjectRepository(ClassSessionMark) private readonly marks: Repository<ClassSessionMark>,
  ) {}

  findInOrganization(organizationId: string, id: string): Promise<ClassSession> {
    return findInOrganization(this.sessions, organizationId, id, 'ClassSession');
  }

  /** The session locked FOR UPDATE until `manager`'s transaction ends (marks, close and cancel take turns); 404. */
  async lockInOrganization(manager: EntityManager, organizationId: string, id: string): Promise<ClassSession> {
    const session = await manager.getRepository(ClassSession).findOne({
      where: { id, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session) throw ApiError.notFound('ClassSession');
    return session;
  }

  /** One page of sessions, latest first, and how many match. */
  findPage(organizationId: string, query: ClassSessionQuery): Promise<[ClassSession[], number]> {
    const builder = this.sessions
      .createQueryBuilder('session')
      .where('session.organization_id = :organizationId', { organizationId })
      .orderBy('session.date', 'DESC')
      .addOrderBy('session.start_time', 'DESC')
      .addOrderBy('session.id', 'DESC');
    if (query.department_id) {
      builder.andWhere('session.department_id = :departmentId', { departmentId: query.department_id });
    }
    if (query.status) builder.andWhere('session.status = :status', { status: query.status });
    if (query.date_from) builder.andWhere('session.date >= :from', { from: query.date_from });
    if (query.date_to) builder.andWhere('session.date <= :to', { to: query.date_to });
    const { skip, take } = PageOf.skipTake(query);
    return builder.skip(skip).take(take).getManyAndCount();
  }

  /** Marks per status of each session, counted in SQL (sessions without marks are left out). */
  async countMarks(sessionIds: string[], manager?: EntityManager): Promise<Map<string, MarkCounts>> {
    if (sessionIds.length === 0) return new Map();
    const rows = await (manager ? manager.getRepository(ClassSessionMark) : this.marks)
      .createQueryBuilder('mark')
      .select('mark.session_id', 'session_id')
      .addSelect(`count(*) FILTER (WHERE mark.status = 'present')::int`, 'present')
      .addSelect(`count(*) FILTER (WHERE mark.status = 'late')::int`, 'late')
      .addSelect(`count(*) FILTER (WHERE mark.status = 'absent')::int`, 'absent')
      .addSelect(`count(*) FILTER (WHERE mark.status = 'excused')::int`, 'excused')
      .where('mark.session_id IN (:...sessionIds)', { sessionIds })
      .groupBy('mark.session_id')
      .getRawMany<MarkCounts & { session_id: string }>();
    return new Map(
      rows.map((row) => [
        row.session_id,
        {
          present: Number(row.present),
          late: Number(row.late),
          absent: Number(row.absent),
          excused: Number(row.excused),
        },
      ]),
    );
  }

  /** Every mark of the session, in the order they were made. */
  marksOf(sessionId: string): Promise<ClassSessionMark[]> {
    return this.marks.find({ where: { sessionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The marks of the session among `employeeIds`, in `manager`'s transaction. */
  marksAmong(manager: EntityManager, sessionId: string, employeeIds: string[]): Promise<ClassSessionMark[]> {
    if (employeeIds.length === 0) return Promise.resolve([]);
    return manager.getRepository(ClassSessionMark).findBy({ sessionId, employeeId: In(employeeIds) });
  }

  /** The student's mark of the session, locked until `manager`'s transaction ends; null when there is none. */
  lockMark(manager: EntityManager, sessionId: string, employeeId: string): Promise<ClassSessionMark | null> {
    return manager.getRepository(ClassSessionMark).findOne({
      where: { sessionId, employeeId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Inserts the marks of students who have none in the session yet; returns the rows inserted. */
  async insertNew(manager: EntityManager, marks: NewMark[]): Promise<ClassSessionMark[]> {
    if (marks.length === 0) return [];
    const result = await manager
      .getRepository(ClassSessionMark)
      .createQueryBuilder()
      .insert()
      .values(marks)
      .orIgnore()
      .returning('*')
      .execute();
    const ids = (result.raw as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return [];
    return manager.getRepository(ClassSessionMark).findBy({ id: In(ids) });
  }

  saveMark(manager: EntityManager, mark: ClassSessionMark): Promise<ClassSessionMark> {
    return manager.getRepository(ClassSessionMark).save(mark);
  }

  saveSession(manager: EntityManager, session: ClassSession): Promise<ClassSession> {
    return manager.getRepository(ClassSession).save(session);
  }

  createSession(manager: EntityManager, fields: Partial<ClassSession>): Promise<ClassSession> {
    const repository = manager.getRepository(ClassSession);
    return repository.save(repository.create(fields));
  }
}
