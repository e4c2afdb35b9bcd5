import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People carry the thumbnail of their primary face template (kept by the faces feature beside the enrolment
 * summary), so lists can show avatars without reading face_templates; refresh tokens keep the pair they were
 * rotated into, sealed with a key only the rotated token's holder has, for the refresh grace window.
 */
export class ClientContract1763902000000 implements MigrationInterface {
  name = 'ClientContract1763902000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE employees ADD COLUMN primary_thumbnail_id uuid REFERENCES stored_files (id) ON DELETE SET NULL`,
    );
    await db.query(`
      UPDATE employees e SET primary_thumbnail_id = t.thumbnail_id
      FROM (SELECT DISTINCT ON (employee_id) employee_id, thumbnail_id FROM face_templates
            WHERE thumbnail_id IS NOT NULL ORDER BY employee_id, is_primary DESC, created_at ASC) t
      WHERE t.employee_id = e.id`);
    await db.query(`ALTER TABLE refresh_tokens ADD COLUMN successor_sealed text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE refresh_tokens DROP COLUMN successor_sealed');
    await db.query('ALTER TABLE employees DROP COLUMN primary_thumbnail_id');
  }
}
