import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The people feature keeps each person's enrolment summary (how many face templates, at which angles) on the
 * person's row, written by the faces feature through the people service, so that listing and filtering people
 * never reads the faces feature's table.
 */
export class EmployeeEnrolmentSummary1763900500000 implements MigrationInterface {
  name = 'EmployeeEnrolmentSummary1763900500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE employees ADD COLUMN face_templates integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE employees ADD COLUMN face_angles text[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      UPDATE employees e SET face_templates = s.templates, face_angles = s.angles
      FROM (SELECT employee_id, count(*)::int AS templates, array_agg(DISTINCT angle ORDER BY angle) AS angles
              FROM face_templates GROUP BY employee_id) s
      WHERE s.employee_id = e.id`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE employees DROP COLUMN face_angles');
    await db.query('ALTER TABLE employees DROP COLUMN face_templates');
  }
}
