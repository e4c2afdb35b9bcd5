/**
 * Start-up time with 100,000 enrolled templates (10,000 people x 10), and the gallery's share of it.
 * Embedded PGlite by default; PostgreSQL with TEST_DATABASE_URL.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/startup.bench.js [--templates=100000]
 */
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { EmployeeGallery } from '../src/faces/employee-gallery.js';
import { FaceModels } from '../src/recognition/face-models.js';
import { loginAsAdmin } from '../test/support/api-client.js';
import { startTestApp, testDatabaseUrl } from '../test/support/test-app.js';

const templates = Number(/--templates=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 100_000);
const perPerson = 10;

const app = await startTestApp();
try {
  const admin = await loginAsAdmin(app);
  const organizationId = admin.user.organization_id;
  const db = app.app.get(DataSource);
  const { modelId, modelVersion } = app.app.get(FaceModels).embedder;
  const people = Math.ceil(templates / perPerson);
  const filled = performance.now();
  await db.query(
    `INSERT INTO employees (organization_id, code, first_name)
     SELECT $1, 'BENCH-' || g, 'Person ' || g FROM generate_series(1, $2::int) g`,
    [organizationId, people],
  );
  const ids = (
    await db.query<{ id: string }[]>(`SELECT id FROM employees WHERE organization_id = $1 AND code LIKE 'BENCH-%'`, [
      organizationId,
    ])
  ).map((row) => row.id);
  const batch = 5000;
  for (let offset = 0; offset < people * perPerson; offset += batch) {
    const owners: string[] = [];
    const vectors: Buffer[] = [];
    for (let i = offset; i < Math.min(offset + batch, people * perPerson); i++) {
      owners.push(ids[i % ids.length]);
      const vector = new Float32Array(128).map(() => Math.random() - 0.5);
      const norm = Math.hypot(...vector);
      vectors.push(Buffer.from(vector.map((value) => value / norm).buffer));
    }
    await db.query(
      `INSERT INTO face_templates (organization_id, employee_id, embedding, model_id, model_version, quality_score, quality)
       SELECT $1, owner, vector, $2, $3, 1, '{}' FROM unnest($4::uuid[], $5::bytea[]) AS t(owner, vector)`,
      [organizationId, modelId, modelVersion, owners, vectors],
    );
  }
  const count = (await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM face_templates'))[0].n;
  console.log(
    `# ${count} templates written in ${((performance.now() - filled) / 1000).toFixed(1)} s on ${testDatabaseUrl ? 'PostgreSQL' : 'PGlite'}; load average ${loadavg()[0].toFixed(1)}`,
  );

  await app.app.close();
  const started = performance.now();
  await app.restart();
  const seconds = (performance.now() - started) / 1000;
  const size = app.app.get(EmployeeGallery).size;
  console.log(
    `start-up with ${size} templates in the gallery: ${seconds.toFixed(2)} s  goal < 5 s: ${seconds < 5 ? 'PASS' : 'MISS'}`,
  );
  const gallery = app.app.get(EmployeeGallery);
  const reload = performance.now();
  await gallery.onApplicationBootstrap();
  console.log(`of which loading the gallery again takes: ${((performance.now() - reload) / 1000).toFixed(2)} s`);
  console.log(`resident memory after start-up: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await app.close();
}
