import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * When a visitor was last active: created, visited, or photographed (a returning visitor's new photos count).
 * GREATEST ignores NULLs, so a visitor who never came is judged by their creation.
 */
const LAST_ACTIVE = `GREATEST(v.created_at, v.last_visit_at,
  (SELECT max(f.created_at) FROM visitor_faces f WHERE f.visitor_id = v.id))`;

/**
 * Visitors whose faces are due for erasure: they have faces, were last active before the cutoff, are not on site,
 * and expect no visit whose window ends after the cutoff (a pre-registered visitor keeps the face the desk needs).
 */
const DUE = `v.organization_id = $1
  AND EXISTS (SELECT 1 FROM visitor_faces f WHERE f.visitor_id = v.id)
  AND ${LAST_ACTIVE} < $2
  AND NOT EXISTS (
    SELECT 1 FROM visits s WHERE s.visitor_id = v.id
      AND (s.status = 'checked_in'
        OR (s.status = 'expected' AND COALESCE(s.expected_to, s.expected_from, s.created_at) >= $2)))`;

/** SQL of the retention of visitors' faces (visitors, visitor_faces and visits are the visitors feature's tables). */
@Injectable()
export class VisitorRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Up to `limit` visitors of the organisation whose faces are due for erasure, by id after `afterId`. */
  async findDue(organizationId: string, cutoff: Date, afterId: string, limit: number): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT v.id FROM visitors v WHERE ${DUE} AND v.id > $3 ORDER BY v.id LIMIT ${Number(limit)}`,
      [organizationId, cutoff, afterId],
    );
    return rows.map((row) => row.id);
  }

  /** Whether the visitor is still due, asked again under the caller's lock of the visitor's row. */
  async isDue(manager: EntityManager, organizationId: string, visitorId: string, cutoff: Date): Promise<boolean> {
    const rows = await manager.query<unknown[]>(`SELECT 1 FROM visitors v WHERE ${DUE} AND v.id = $3`, [
      organizationId,
      cutoff,
      visitorId,
    ]);
    return rows.length > 0;
  }

  /** True for the one caller (of any instance) that records the organisation's retention run of `date`. */
  async claimRun(organizationId: string, date: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO visitor_retention_runs (organization_id, date) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING date`,
      [organizationId, date],
    );
    return rows.length > 0;
  }
}
