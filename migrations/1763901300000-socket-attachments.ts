import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payloads the Socket.IO PostgreSQL adapter cannot put in a NOTIFY (over 8,000 bytes, or binary) wait here until
 * the other instances have read them; the adapter deletes old rows itself. Unused on the embedded database.
 */
export class SocketAttachments1763901300000 implements MigrationInterface {
  name = 'SocketAttachments1763901300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE socket_io_attachments');
  }
}
