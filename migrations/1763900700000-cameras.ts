import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cameras and kiosks that send frames, and the API keys they authenticate with. */
export class Cameras1763900700000 implements MigrationInterface {
  name = 'Cameras1763900700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cameras (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        location_id uuid REFERENCES locations (id) ON DELETE SET NULL,
        name varchar NOT NULL,
        direction varchar NOT NULL DEFAULT 'both',
        source_type varchar NOT NULL DEFAULT 'http',
        source_url text,
        sealed_credentials text,
        fps integer,
        resolution varchar,
        confidence_threshold real,
        liveness_check_enabled boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        status varchar NOT NULL DEFAULT 'offline',
        last_heartbeat_at timestamptz,
        last_frame_at timestamptz,
        last_error text,
        last_error_at timestamptz,
        frames_processed bigint NOT NULL DEFAULT 0,
        faces_processed bigint NOT NULL DEFAULT 0,
        error_count integer NOT NULL DEFAULT 0,
        processing_ms_total double precision NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX cameras_organization_idx ON cameras (organization_id, name)`);
    await db.query(`CREATE INDEX cameras_location_idx ON cameras (location_id)`);

    await db.query(`
      CREATE TABLE camera_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        camera_id uuid NOT NULL REFERENCES cameras (id) ON DELETE CASCADE,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        prefix varchar NOT NULL,
        key_hash varchar NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX camera_keys_hash_key ON camera_keys (key_hash)`);
    await db.query(`CREATE INDEX camera_keys_camera_idx ON camera_keys (camera_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE camera_keys');
    await db.query('DROP TABLE cameras');
  }
}
