import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Class sessions of a department, and one attendance mark per student per session. */
export class ClassSessions1763901500000 implements MigrationInterface {
  name = 'ClassSessions1763901500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE class_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        department_id uuid REFERENCES departments (id) ON DELETE SET NULL,
        subject varchar(200) NOT NULL,
        date date NOT NULL,
        start_time time NOT NULL,
        end_time time NOT NULL CHECK (end_time > start_time),
        notes text,
        status varchar NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'cancelled')),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        closed_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX class_sessions_day_idx ON class_sessions (organization_id, date, start_time)`);
    await db.query(`CREATE INDEX class_sessions_department_idx ON class_sessions (department_id, date)`);

    await db.query(`
      CREATE TABLE class_session_marks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        session_id uuid NOT NULL REFERENCES class_sessions (id) ON DELETE CASCADE,
        employee_id uuid NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
        status varchar NOT NULL CHECK (status IN ('present', 'late', 'absent', 'excused')),
        source varchar NOT NULL CHECK (source IN ('photo', 'manual', 'close')),
        marked_at timestamptz NOT NULL,
        similarity real,
        reason text,
        marked_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX class_session_marks_student_key ON class_session_marks (session_id, employee_id)`,
    );
    await db.query(`CREATE INDEX class_session_marks_person_idx ON class_session_marks (employee_id, marked_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE class_session_marks');
    await db.query('DROP TABLE class_sessions');
  }
}
