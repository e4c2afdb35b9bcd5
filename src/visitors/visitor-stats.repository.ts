import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { VisitCountsDto, VisitorCountsDto } from './visitor-stats.dto.js';

/** Counts of visitors and visits for the overview: one query, one scan of each table, scoped to one organisation. */
@Injectable()
export class VisitorStatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** "Today" and "this week" (from Monday) are the organisation's local ones, in `timeZone`. */
  async counts(
    organizationId: string,
    timeZone: string,
  ): Promise<{ visitors: VisitorCountsDto; visits: VisitCountsDto }> {
    const [row] = await this.dataSource.query<(VisitorCountsDto & VisitCountsDto)[]>(
      `WITH local AS (SELECT now() AT TIME ZONE $2 AS now),
       bounds AS (
         SELECT date_trunc('day', local.now) AT TIME ZONE $2 AS day_start,
                (date_trunc('day', local.now) + interval '1 day') AT TIME ZONE $2 AS day_end,
                date_trunc('week', local.now) AT TIME ZONE $2 AS week_start
         FROM local),
       visitor_counts AS (
         SELECT count(*)::int AS total,
                count(*) FILTER (WHERE is_watchlisted)::int AS watchlisted,
                count(*) FILTER (WHERE face_templates > 0)::int AS enrolled,
                count(*) FILTER (WHERE faces_erased_at IS NOT NULL)::int AS faces_erased
         FROM visitors WHERE organization_id = $1),
       visit_counts AS (
         SELECT count(*) FILTER (WHERE status = 'checked_in')::int AS on_site,
                count(*) FILTER (WHERE checked_in_at >= bounds.day_start AND checked_in_at < bounds.day_end)::int
                  AS today,
                count(*) FILTER (WHERE checked_in_at >= bounds.week_start AND checked_in_at < bounds.day_end)::int
                  AS this_week,
                count(*) FILTER (WHERE status = 'expected'
                  AND COALESCE(expected_from, created_at) < bounds.day_end
                  AND COALESCE(expected_to, expected_from, created_at) >= bounds.day_start)::int AS expected_today
         FROM visits, bounds WHERE organization_id = $1)
       SELECT * FROM visitor_counts, visit_counts`,
      [organizationId, timeZone],
    );
    return {
      visitors: {
        total: row.total,
        watchlisted: row.watchlisted,
        enrolled: row.enrolled,
        faces_erased: row.faces_erased,
      },
      visits: {
        on_site: row.on_site,
        today: row.today,
        this_week: row.this_week,
        expected_today: row.expected_today,
      },
    };
  }
}
