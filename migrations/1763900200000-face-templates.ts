import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored photos, face templates (embeddings) of people, and the jobs that make them. */
export class FaceTemplates1763900200000 implements MigrationInterface {
  name = 'FaceTemplates1763900200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE stored_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        kind varchar NOT NULL,
        storage_key varchar NOT NULL,
        content_type varchar NOT NULL,
        bytes integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX stored_files_storage_key_key ON stored_files (storage_key)`);

    await db.query(`
      CREATE TABLE face_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        angle varchar NOT NULL DEFAULT 'front',
        embedding bytea NOT NULL,
        model_id varchar NOT NULL,
        model_version varchar NOT NULL,
        quality_score real NOT NULL,
        quality jsonb NOT NULL,
        liveness_score real,
        is_primary boolean NOT NULL DEFAULT false,
        photo_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        thumbnail_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX face_templates_employee_idx ON face_templates (employee_id)`);
    await db.query(
      `CREATE INDEX face_templates_organization_idx ON face_templates (organization_id, model_id, model_version)`,
    );

    await db.query(`
      CREATE TABLE jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid REFERENCES organizations (id),
        type varchar NOT NULL,
        status varchar NOT NULL DEFAULT 'queued',
        payload jsonb NOT NULL DEFAULT '{}',
        result jsonb,
        error jsonb,
        created_by uuid,
        processing_time_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX jobs_status_idx ON jobs (status, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE jobs');
    await db.query('DROP TABLE face_templates');
    await db.query('DROP TABLE stored_files');
  }
}
