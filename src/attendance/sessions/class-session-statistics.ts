import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EmployeesService } from '../../employees/employees.service.js';
import type { ClassSessionStatisticsDto } from './class-session.dto.js';
import type { ClassSession } from './class-session.entity.js';
import { percentage } from './class-session-rules.js';
import { ClassSessionsRepository, NO_MARKS } from './class-sessions.repository.js';

/**
 * Per-session attendance figures: marks counted by status in SQL, against the department's active students
 * (counted in SQL by the people feature). A completed session counts the students it was closed with (every one
 * of them has a mark then), so later moves between departments do not change its figures.
 */
@Injectable()
export class ClassSessionStatistics {
  constructor(
    private readonly repository: ClassSessionsRepository,
    private readonly people: EmployeesService,
  ) {}

  async of(
    organizationId: string,
    sessions: ClassSession[],
    manager?: EntityManager,
  ): Promise<Map<string, ClassSessionStatisticsDto>> {
    const marks = await this.repository.countMarks(
      sessions.map((session) => session.id),
      manager,
    );
    const open = sessions.filter((session) => session.status !== 'completed' && session.departmentId !== null);
    const students = await this.people.countByDepartment(
      organizationId,
      open.map((session) => session.departmentId!),
      'student',
    );
    return new Map(
      sessions.map((session) => {
        const counts = marks.get(session.id) ?? NO_MARKS;
        const marked = counts.present + counts.late + counts.absent + counts.excused;
        const enrolled = session.departmentId ? (students.get(session.departmentId) ?? 0) : 0;
        const total = session.status === 'completed' ? marked : Math.max(enrolled, marked);
        return [
          session.id,
          { total, ...counts, unmarked: total - marked, percentage: percentage(counts.present + counts.late, total) },
        ];
      }),
    );
  }
}
