import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The security log is the audit trail's rows with a severity (failed logins, refused camera keys, reused refresh
 * tokens, rate limit refusals, watchlist hits, incidents), indexed for GET /security/audit-logs; incidents reported
 * by guards or operators have a table of their own, with an optional photo.
 */
export class Security1763902300000 implements MigrationInterface {
  name = 'Security1763902300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_logs ADD COLUMN severity varchar`);
    await db.query(
      `ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_severity_check
         CHECK (severity IS NULL OR severity IN ('low', 'medium', 'high', 'critical'))`,
    );
    await db.query(
      `CREATE INDEX audit_logs_security_idx ON audit_logs (organization_id, created_at DESC) WHERE severity IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE security_incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        type varchar NOT NULL,
        severity varchar NOT NULL,
        status varchar NOT NULL DEFAULT 'open',
        camera_id uuid REFERENCES cameras (id) ON DELETE SET NULL,
        occurred_at timestamptz NOT NULL,
        description text NOT NULL,
        image_file_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        thumbnail_file_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        reported_by uuid REFERENCES users (id) ON DELETE SET NULL,
        resolved_by uuid REFERENCES users (id) ON DELETE SET NULL,
        resolved_at timestamptz,
        resolution text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT security_incidents_type_check
          CHECK (type IN ('tailgating', 'spoof_attempt', 'unauthorized_access', 'watchlist', 'other')),
        CONSTRAINT security_incidents_severity_check CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        CONSTRAINT security_incidents_status_check CHECK (status IN ('open', 'resolved'))
      )`);
    await db.query(
      `CREATE INDEX security_incidents_organization_idx ON security_incidents (organization_id, occurred_at DESC)`,
    );
    await db.query(`CREATE INDEX security_incidents_camera_idx ON security_incidents (camera_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE security_incidents');
    await db.query('DROP INDEX audit_logs_security_idx');
    await db.query('ALTER TABLE audit_logs DROP COLUMN severity');
  }
}
