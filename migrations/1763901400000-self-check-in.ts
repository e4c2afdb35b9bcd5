import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Geofences on locations, and every self check-in attempt from a person's phone (refused ones with the reason). */
export class SelfCheckIn1763901400000 implements MigrationInterface {
  name = 'SelfCheckIn1763901400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE locations ADD COLUMN geofence_radius_m integer`);
    await db.query(`
      CREATE TABLE self_check_ins (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        direction varchar NOT NULL,
        latitude numeric(9, 6) NOT NULL,
        longitude numeric(9, 6) NOT NULL,
        location_id uuid REFERENCES locations (id) ON DELETE SET NULL,
        distance_m real,
        accepted boolean NOT NULL,
        reason varchar,
        similarity real,
        liveness_score real,
        record_id uuid REFERENCES attendance_records (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX self_check_ins_person_idx ON self_check_ins (employee_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE self_check_ins');
    await db.query('ALTER TABLE locations DROP COLUMN geofence_radius_m');
  }
}
