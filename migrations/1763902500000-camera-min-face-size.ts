import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A camera's own smallest face size for identification (null: the PRESENCE_MIN_FACE_SIZE default). */
export class CameraMinFaceSize1763902500000 implements MigrationInterface {
  name = 'CameraMinFaceSize1763902500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cameras ADD COLUMN min_face_size integer`);
    await db.query(
      `ALTER TABLE cameras ADD CONSTRAINT cameras_min_face_size_check
         CHECK (min_face_size IS NULL OR min_face_size BETWEEN 16 AND 1000)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cameras DROP CONSTRAINT cameras_min_face_size_check`);
    await db.query(`ALTER TABLE cameras DROP COLUMN min_face_size`);
  }
}
