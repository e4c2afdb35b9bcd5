import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Throttle counters (one row per key, counted atomically) instead of one row per failed login, and an index for
 * voiding a user's outstanding password-reset tokens.
 */
export class AuthThrottle1763900400000 implements MigrationInterface {
  name = 'AuthThrottle1763900400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE login_attempts');
    await db.query(`
      CREATE TABLE auth_throttle (
        key varchar PRIMARY KEY,
        hits integer NOT NULL,
        window_started_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX auth_throttle_window_idx ON auth_throttle (window_started_at)`);
    await db.query(`CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX password_reset_tokens_user_idx');
    await db.query('DROP TABLE auth_throttle');
    await db.query(`
      CREATE TABLE login_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar NOT NULL,
        ip varchar NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX login_attempts_lookup_idx ON login_attempts (username, ip, attempted_at)`);
  }
}
