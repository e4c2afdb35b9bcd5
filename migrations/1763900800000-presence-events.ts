import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every face a camera saw: recognised people, unknown faces, anomalies and their review. */
export class PresenceEvents1763900800000 implements MigrationInterface {
  name = 'PresenceEvents1763900800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE presence_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        camera_id uuid REFERENCES cameras (id) ON DELETE SET NULL,
        location_id uuid REFERENCES locations (id) ON DELETE SET NULL,
        employee_id uuid REFERENCES employees (id) ON DELETE SET NULL,
        event_type varchar NOT NULL,
        occurred_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        seen_count integer NOT NULL DEFAULT 1,
        similarity real,
        confidence real,
        detection_confidence real NOT NULL,
        liveness_checked boolean NOT NULL DEFAULT false,
        liveness_passed boolean,
        liveness_score real,
        bbox jsonb NOT NULL,
        quality jsonb NOT NULL,
        snapshot_file_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        snapshot_thumbnail_id uuid REFERENCES stored_files (id) ON DELETE SET NULL,
        processing_ms real NOT NULL,
        is_unknown_face boolean NOT NULL DEFAULT false,
        unknown_embedding bytea,
        is_anomaly boolean NOT NULL DEFAULT false,
        anomaly_reason varchar,
        review_status varchar NOT NULL DEFAULT 'not_required',
        reviewed_by uuid REFERENCES users (id) ON DELETE SET NULL,
        reviewed_at timestamptz,
        review_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The list, newest first, and its filters.
    await db.query(`CREATE INDEX presence_events_list_idx ON presence_events (organization_id, occurred_at DESC, id)`);
    await db.query(`CREATE INDEX presence_events_camera_idx ON presence_events (camera_id, occurred_at DESC)`);
    await db.query(`CREATE INDEX presence_events_location_idx ON presence_events (location_id, occurred_at DESC)`);
    await db.query(
      `CREATE INDEX presence_events_review_idx ON presence_events (organization_id, occurred_at DESC)
       WHERE review_status = 'pending'`,
    );
    await db.query(
      `CREATE INDEX presence_events_anomaly_idx ON presence_events (organization_id, occurred_at DESC)
       WHERE is_anomaly`,
    );
    // A person's events (list filter, debounce at a camera, two locations within the travel window).
    await db.query(
      `CREATE INDEX presence_events_employee_idx ON presence_events (employee_id, last_seen_at DESC)
       WHERE employee_id IS NOT NULL`,
    );
    // Debounce of unknown faces: a camera's recent unknown faces.
    await db.query(
      `CREATE INDEX presence_events_unknown_idx ON presence_events (camera_id, last_seen_at DESC)
       WHERE is_unknown_face`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE presence_events');
  }
}
