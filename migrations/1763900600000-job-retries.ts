import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Jobs are claimed under a lease, retried with back-off, and de-duplicated by an idempotency key. */
export class JobRetries1763900600000 implements MigrationInterface {
  name = 'JobRetries1763900600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE jobs ADD COLUMN attempts integer NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE jobs ADD COLUMN max_attempts integer NOT NULL DEFAULT 1`);
    await db.query(`ALTER TABLE jobs ADD COLUMN run_after timestamptz NOT NULL DEFAULT now()`);
    await db.query(`ALTER TABLE jobs ADD COLUMN locked_until timestamptz`);
    await db.query(`ALTER TABLE jobs ADD COLUMN idempotency_key varchar`);
    await db.query(`DROP INDEX jobs_status_idx`);
    await db.query(`CREATE INDEX jobs_due_idx ON jobs (status, run_after, created_at)`);
    await db.query(`
      CREATE UNIQUE INDEX jobs_idempotency_key ON jobs (type, idempotency_key)
      WHERE idempotency_key IS NOT NULL AND status IN ('queued', 'running')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX jobs_idempotency_key');
    await db.query('DROP INDEX jobs_due_idx');
    await db.query(`CREATE INDEX jobs_status_idx ON jobs (status, created_at)`);
    for (const column of ['idempotency_key', 'locked_until', 'run_after', 'max_attempts', 'attempts']) {
      await db.query(`ALTER TABLE jobs DROP COLUMN ${column}`);
    }
  }
}
