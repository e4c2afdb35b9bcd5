import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Visitors (ID numbers sealed, found by keyed hashes), their face templates (a gallery of their own) and their visits.
 * A visit outlives its visitor: erasing a visitor leaves the visit with `visitor_id` null.
 */
export class Visitors1763901200000 implements MigrationInterface {
  name = 'Visitors1763901200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE visitors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        id_number_sealed text NOT NULL,
        id_number_hash varchar NOT NULL,
        id_number_prefix_hashes text[] NOT NULL DEFAULT '{}',
        id_number_last4 varchar NOT NULL,
        id_type varchar NOT NULL DEFAULT 'national_id',
        full_name varchar NOT NULL,
        gender varchar,
        phone varchar,
        email varchar,
        company varchar,
        purpose_of_visit text,
        host_employee_id uuid REFERENCES employees (id) ON DELETE SET NULL,
        floors text[] NOT NULL DEFAULT '{}',
        towers text[] NOT NULL DEFAULT '{}',
        duration_from timestamptz,
        duration_to timestamptz,
        notes text,
        is_watchlisted boolean NOT NULL DEFAULT false,
        watchlist_reason text,
        face_templates integer NOT NULL DEFAULT 0,
        last_visit_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX visitors_id_number_key ON visitors (organization_id, id_number_hash)`);
    await db.query(`CREATE INDEX visitors_id_number_prefixes_idx ON visitors USING GIN (id_number_prefix_hashes)`);
    await db.query(`CREATE INDEX visitors_organization_idx ON visitors (organization_id, full_name)`);
    await db.query(`CREATE INDEX visitors_last_visit_idx ON visitors (last_visit_at) WHERE face_templates > 0`);

    await db.query(`
      CREATE TABLE visitor_faces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        visitor_id uuid NOT NULL REFERENCES visitors (id) ON DELETE CASCADE,
        angle varchar NOT NULL,
        embedding bytea NOT NULL,
        model_id varchar NOT NULL,
        model_version varchar NOT NULL,
        quality real NOT NULL,
        photo_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        thumbnail_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX visitor_faces_visitor_idx ON visitor_faces (visitor_id, created_at)`);
    await db.query(
      `CREATE INDEX visitor_faces_organization_idx ON visitor_faces (organization_id, model_id, model_version)`,
    );

    await db.query(`
      CREATE TABLE visits (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        visitor_id uuid REFERENCES visitors (id) ON DELETE SET NULL,
        host_employee_id uuid REFERENCES employees (id) ON DELETE SET NULL,
        purpose text,
        floors text[] NOT NULL DEFAULT '{}',
        towers text[] NOT NULL DEFAULT '{}',
        status varchar NOT NULL,
        expected_from timestamptz,
        expected_to timestamptz,
        checked_in_at timestamptz,
        checked_out_at timestamptz,
        badge_number varchar,
        code_hash varchar,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT visits_status_check CHECK (status IN ('expected', 'checked_in', 'checked_out', 'cancelled'))
      )`);
    await db.query(`CREATE INDEX visits_organization_idx ON visits (organization_id, status, created_at)`);
    await db.query(`CREATE INDEX visits_visitor_idx ON visits (visitor_id)`);
    await db.query(`CREATE INDEX visits_host_idx ON visits (host_employee_id)`);
    await db.query(`CREATE UNIQUE INDEX visits_code_key ON visits (code_hash) WHERE code_hash IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE visits');
    await db.query('DROP TABLE visitor_faces');
    await db.query('DROP TABLE visitors');
  }
}
