import { Injectable } from '@nestjs/common';
import type { CountRow } from './attendance-counts.js';
import type { ReportScope } from './report-scope.js';

export interface SubjectCounts extends CountRow {
  subject: string;
}

/**
 * Class-session marks counted by subject, for `GET /attendance/statistics?group_by=subject`. Class sessions own their
 * marks; they provide this (overriding the provider) so statistics never read their tables. Null: not available.
 */
export abstract class SubjectStatistics {
  abstract countsBySubject(scope: ReportScope): Promise<SubjectCounts[] | null>;
}

/** The default until class sessions provide their counts: subject grouping is not available (400 unsupported_group). */
@Injectable()
export class NoSubjectStatistics extends SubjectStatistics {
  countsBySubject(): Promise<SubjectCounts[] | null> {
    return Promise.resolve(null);
  }
}
