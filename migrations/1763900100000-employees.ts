import type { MigrationInterface, QueryRunner } from 'typeorm';

/** People who attend (employees and students) and the counters behind their generated codes. */
export class Employees1763900100000 implements MigrationInterface {
  name = 'Employees1763900100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE employees (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        code varchar NOT NULL,
        first_name varchar NOT NULL,
        last_name text NOT NULL DEFAULT '',
        kind varchar NOT NULL DEFAULT 'employee',
        email text,
        phone text,
        gender text,
        date_of_birth date,
        department_id uuid REFERENCES departments (id) ON DELETE SET NULL,
        shift_id uuid REFERENCES shifts (id) ON DELETE SET NULL,
        designation text,
        employment_type text,
        joining_date date,
        address text,
        emergency_contact jsonb,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await db.query(
      `CREATE UNIQUE INDEX employees_organization_code_key ON employees (organization_id, lower(code)) WHERE deleted_at IS NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX employees_organization_email_key ON employees (organization_id, lower(email))
       WHERE deleted_at IS NULL AND email IS NOT NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX employees_user_key ON employees (user_id) WHERE deleted_at IS NULL AND user_id IS NOT NULL`,
    );
    await db.query(`CREATE INDEX employees_organization_idx ON employees (organization_id, created_at)`);
    await db.query(`CREATE INDEX employees_department_idx ON employees (department_id)`);

    await db.query(`
      CREATE TABLE code_sequences (
        organization_id uuid NOT NULL REFERENCES organizations (id),
        prefix varchar NOT NULL,
        last_value integer NOT NULL DEFAULT 0,
        PRIMARY KEY (organization_id, prefix)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE code_sequences');
    await db.query('DROP TABLE employees');
  }
}
