import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One attendance record per person per local day, and leave requests. */
export class Attendance1763900900000 implements MigrationInterface {
  name = 'Attendance1763900900000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attendance_records (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        department_id uuid REFERENCES departments (id) ON DELETE SET NULL,
        date date NOT NULL,
        status varchar NOT NULL
          CHECK (status IN ('present', 'late', 'half_day', 'absent', 'excused', 'holiday', 'weekend')),
        check_in_at timestamptz,
        check_out_at timestamptz,
        last_seen_at timestamptz,
        work_hours numeric(5, 2),
        location_id uuid REFERENCES locations (id) ON DELETE SET NULL,
        camera_id uuid REFERENCES cameras (id) ON DELETE SET NULL,
        confidence real,
        liveness_passed boolean,
        source varchar NOT NULL CHECK (source IN ('presence', 'manual', 'class_session', 'self_check_in', 'daily_close')),
        reason text,
        corrected_by uuid REFERENCES users (id) ON DELETE SET NULL,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX attendance_records_person_day_key ON attendance_records (employee_id, date)`);
    await db.query(`CREATE INDEX attendance_records_day_idx ON attendance_records (organization_id, date, status)`);
    await db.query(`CREATE INDEX attendance_records_location_idx ON attendance_records (location_id, date)`);
    await db.query(`CREATE INDEX attendance_records_department_idx ON attendance_records (department_id, date)`);

    // One row per organisation and day closed: whoever inserts it runs the close, so it runs once per day.
    await db.query(`
      CREATE TABLE attendance_closures (
        organization_id uuid NOT NULL REFERENCES organizations (id),
        date date NOT NULL,
        closed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, date)
      )`);

    await db.query(`
      CREATE TABLE leave_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        leave_type varchar NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        reason text,
        status varchar NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
        requested_by uuid REFERENCES users (id) ON DELETE SET NULL,
        decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
        decided_at timestamptz,
        decision_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date)
      )`);
    await db.query(`CREATE INDEX leave_requests_person_idx ON leave_requests (employee_id, start_date, end_date)`);
    await db.query(
      `CREATE INDEX leave_requests_organization_idx ON leave_requests (organization_id, status, start_date)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE leave_requests');
    await db.query('DROP TABLE attendance_closures');
    await db.query('DROP TABLE attendance_records');
  }
}
