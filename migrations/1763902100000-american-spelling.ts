import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One spelling across the API (`enrollment`, `license`): stored values that clients read are renamed too, the
 * enrollment job's type (`faces.enrol` → `faces.enroll`, also for jobs queued before the upgrade: a job runs by its
 * row's type) and the visitor ID type `driving_licence` → `driving_license`.
 */
export class AmericanSpelling1763902100000 implements MigrationInterface {
  name = 'AmericanSpelling1763902100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE jobs SET type = 'faces.enroll' WHERE type = 'faces.enrol'`);
    await db.query(`UPDATE visitors SET id_type = 'driving_license' WHERE id_type = 'driving_licence'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE jobs SET type = 'faces.enrol' WHERE type = 'faces.enroll'`);
    await db.query(`UPDATE visitors SET id_type = 'driving_licence' WHERE id_type = 'driving_license'`);
  }
}
