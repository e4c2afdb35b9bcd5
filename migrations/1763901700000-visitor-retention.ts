import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention of visitors' faces: when the scheduled job erased a visitor's templates and photos, and the days it ran
 * for each organisation (one row per day, inserted by whichever instance gets there first, so it queues once).
 */
export class VisitorRetention1763901700000 implements MigrationInterface {
  name = 'VisitorRetention1763901700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE visitors ADD COLUMN faces_erased_at timestamptz`);
    await db.query(`
      CREATE TABLE visitor_retention_runs (
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        date date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, date)
      )`);
    await db.query(`CREATE INDEX visits_organization_time_idx ON visits (organization_id, checked_in_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX visits_organization_time_idx');
    await db.query('DROP TABLE visitor_retention_runs');
    await db.query('ALTER TABLE visitors DROP COLUMN faces_erased_at');
  }
}
