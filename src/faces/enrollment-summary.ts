import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EmployeesService } from '../employees/employees.service.js';

/**
 * Keeps the people feature's enrollment summary of a person (how many templates, at which angles, the primary thumbnail) in step with
 * the face templates, so that people lists never read this feature's table.
 */
@Injectable()
export class EnrollmentSummary {
  constructor(private readonly people: EmployeesService) {}

  /**
   * Call it in the transaction that added or removed templates, after locking the person (`lockPresent`), so
   * concurrent changes cannot miscount.
   */
  async record(manager: EntityManager, organizationId: string, employeeId: string): Promise<void> {
    const rows = await manager.query<{ angle: string; templates: number }[]>(
      `SELECT angle, count(*)::int AS templates FROM face_templates
       WHERE organization_id = $1 AND employee_id = $2 GROUP BY angle ORDER BY angle`,
      [organizationId, employeeId],
    );
    const [primary] = await manager.query<{ thumbnail_id: string }[]>(
      `SELECT thumbnail_id FROM face_templates
       WHERE organization_id = $1 AND employee_id = $2 AND thumbnail_id IS NOT NULL
       ORDER BY is_primary DESC, created_at ASC LIMIT 1`,
      [organizationId, employeeId],
    );
    await this.people.recordEnrollment(
      manager,
      organizationId,
      employeeId,
      { templates: rows.reduce((sum, row) => sum + Number(row.templates), 0), angles: rows.map((row) => row.angle) },
      primary?.thumbnail_id ?? null,
    );
  }
}
