import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ReportScope } from '../reports/report-scope.js';
import { SubjectStatistics, type SubjectCounts } from '../reports/subject-statistics.js';

/**
 * Class-session marks counted by subject over a report's scope (`GET /attendance/statistics?group_by=subject`): the
 * marks of the sessions held in the range (cancelled ones left out), of the scope's department (the session's) and
 * person (the student's). A mark is one record; class marks have no half days, holidays or work hours.
 */
@Injectable()
export class ClassSubjectStatistics extends SubjectStatistics {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async countsBySubject(scope: ReportScope): Promise<SubjectCounts[]> {
    const params: unknown[] = [scope.organizationId, scope.from, scope.to];
    const filters = ['s.organization_id = $1', 's.date BETWEEN $2 AND $3', "s.status <> 'cancelled'"];
    if (scope.departmentId) {
      params.push(scope.departmentId);
      filters.push(`s.department_id = $${params.length}`);
    }
    if (scope.employeeId) {
      params.push(scope.employeeId);
      filters.push(`m.employee_id = $${params.length}`);
    }
    const rows = await this.dataSource.query<SubjectCounts[]>(
      `SELECT s.subject AS subject,
              count(*)::int AS records,
              count(*) FILTER (WHERE m.status = 'present')::int AS present,
              count(*) FILTER (WHERE m.status = 'late')::int AS late,
              0 AS half_day,
              count(*) FILTER (WHERE m.status = 'absent')::int AS absent,
              count(*) FILTER (WHERE m.status = 'excused')::int AS excused,
              0 AS holiday,
              0 AS weekend,
              0 AS work_hours
         FROM class_session_marks m
         JOIN class_sessions s ON s.id = m.session_id
        WHERE ${filters.join(' AND ')}
        GROUP BY s.subject`,
      params,
    );
    return rows.map((row) => ({
      subject: row.subject,
      records: Number(row.records),
      present: Number(row.present),
      late: Number(row.late),
      half_day: 0,
      absent: Number(row.absent),
      excused: Number(row.excused),
      holiday: 0,
      weekend: 0,
      work_hours: 0,
    }));
  }
}
