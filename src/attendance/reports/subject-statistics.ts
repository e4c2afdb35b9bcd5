import type { CountRow } from './attendance-counts.js';
import type { ReportScope } from './report-scope.js';

export interface SubjectCounts extends CountRow {
  subject: string;
}

/**
 * Class-session marks counted by subject, for `GET /attendance/statistics?group_by=subject`. Class sessions own their
 * marks and provide this (src/attendance/sessions/class-subject-statistics.ts), so statistics never read their tables.
 */
export abstract class SubjectStatistics {
  abstract countsBySubject(scope: ReportScope): Promise<SubjectCounts[]>;
}
