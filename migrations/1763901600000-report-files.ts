import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Generated report files are stored files with the name they are downloaded under. */
export class ReportFiles1763901600000 implements MigrationInterface {
  name = 'ReportFiles1763901600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE stored_files ADD COLUMN file_name varchar`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE stored_files DROP COLUMN file_name`);
  }
}
