/**
 * Attendance figures and report files over 10,000 people and a month of records (about 210,000 rows: every working
 * day of November 2026), through HTTP as a client calls them. Goal: under 2 s each. Embedded PGlite by default;
 * PostgreSQL with TEST_DATABASE_URL.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/attendance-reports.bench.js [--people=10000] [--runs=3] [--explain]
 */
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { bearer, loginAsAdmin, type Session } from '../test/support/api-client.js';
import { startTestApp, testDatabaseUrl, type TestApp } from '../test/support/test-app.js';

const option = (name: string, fallback: number) =>
  Number(new RegExp(`--${name}=(\\d+)`).exec(process.argv.join(' '))?.[1] ?? fallback);
const people = option('people', 10_000);
const runs = option('runs', 3);
const explain = process.argv.includes('--explain');
const GOAL_MS = 2000;
const MONTH = { from: '2026-11-01', to: '2026-11-30' };
const DEPARTMENTS = 20;

/**
 * Bulk SQL straight into the tables (the API would take minutes for 10,000 people): departments, people spread over
 * them, and one record per person and working day with a status mix of about 80% present, 10% late, 3% half day,
 * 5% absent and 2% excused, check-ins around 09:00 local and check-outs eight hours later.
 */
async function seed(db: DataSource, organizationId: string): Promise<number> {
  await db.query(
    `INSERT INTO departments (organization_id, name, code)
     SELECT $1, 'Department ' || g, 'D' || g FROM generate_series(1, $2::int) g`,
    [organizationId, DEPARTMENTS],
  );
  await db.query(
    `INSERT INTO employees (organization_id, code, first_name, last_name, department_id)
     SELECT $1, 'BENCH-' || lpad(g::text, 6, '0'), 'Person', 'Number ' || g,
            (SELECT id FROM departments WHERE organization_id = $1 AND code = 'D' || (1 + g % $3))
     FROM generate_series(1, $2::int) g`,
    [organizationId, people, DEPARTMENTS],
  );
  await db.query(
    `INSERT INTO attendance_records
       (organization_id, employee_id, department_id, date, status, check_in_at, check_out_at, last_seen_at,
        work_hours, source)
     SELECT $1, e.id, e.department_id, d.day, s.status,
            CASE WHEN s.status IN ('present', 'late', 'half_day') THEN s.check_in END,
            CASE WHEN s.status IN ('present', 'late', 'half_day') THEN s.check_in + s.hours * interval '1 hour' END,
            CASE WHEN s.status IN ('present', 'late', 'half_day') THEN s.check_in + s.hours * interval '1 hour' END,
            CASE WHEN s.status IN ('present', 'late', 'half_day') THEN s.hours END,
            'presence'
     FROM employees e
     CROSS JOIN LATERAL (SELECT at::date AS day FROM generate_series($2::date, $3::date, interval '1 day') AS g(at)) d
     CROSS JOIN LATERAL (
       SELECT abs(hashtext(e.id::text || d.day::text)) % 100 AS roll
     ) r
     CROSS JOIN LATERAL (
       SELECT CASE WHEN r.roll < 80 THEN 'present' WHEN r.roll < 90 THEN 'late' WHEN r.roll < 93 THEN 'half_day'
                   WHEN r.roll < 98 THEN 'absent' ELSE 'excused' END AS status,
              d.day + time '03:00' + (r.roll % 60) * interval '1 minute' AS check_in,
              CASE WHEN r.roll BETWEEN 90 AND 92 THEN 3.5 ELSE 8 END AS hours
     ) s
     WHERE e.organization_id = $1 AND extract(isodow FROM d.day) < 6`,
    [organizationId, MONTH.from, MONTH.to],
  );
  await db.query('ANALYZE attendance_records');
  await db.query('ANALYZE employees');
  const [{ n }] = await db.query<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM attendance_records WHERE organization_id = $1',
    [organizationId],
  );
  return n;
}

async function timeRoute(app: TestApp, session: Session, path: string): Promise<{ ms: number; note: string }> {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let note = '';
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const response = await app
      .http()
      .get(`/api/v1${path}`)
      .set(bearer(session))
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${String(response.body)}`);
    if (i > 0) {
      // The first run warms the caches.
      times.push(ms);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    note = `${((response.body as Buffer).length / 1024).toFixed(0)} KiB`;
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  // The app runs in this process: its CPU time is the work done, wall time adds the wait for a core.
  return {
    ms: times[Math.floor(times.length / 2)],
    note: `${note}, CPU ${cpuTimes[Math.floor(cpuTimes.length / 2)].toFixed(0)} ms`,
  };
}

/** A report over a range longer than REPORT_SYNC_MAX_DAYS: from the 202 to the downloaded file. */
async function timeJob(app: TestApp, session: Session, format: string): Promise<{ ms: number; note: string }> {
  const auth = bearer(session);
  const started = performance.now();
  // 61 days (October has no records, so the content is the month's), a new range each time so no job is reused.
  const response = await app
    .http()
    .get(`/api/v1/reports/attendance?format=${format}&date_from=2026-10-01&date_to=2026-11-30`)
    .set(auth);
  if (response.status !== 202) throw new Error(`job: ${response.status} ${JSON.stringify(response.body)}`);
  let job = response.body as { id: string; status: string; result: { download_url: string; bytes: number } };
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    job = (await app.http().get(`/api/v1/jobs/${job.id}`).set(auth)).body as typeof job;
  }
  if (job.status !== 'completed') throw new Error(`job ${job.status}: ${JSON.stringify(job)}`);
  const file = await app.http().get(job.result.download_url).set(auth).buffer(true);
  if (file.status !== 200) throw new Error(`download: ${file.status}`);
  return { ms: performance.now() - started, note: `${(job.result.bytes / 1024).toFixed(0)} KiB` };
}

async function explainStatistics(db: DataSource, organizationId: string): Promise<void> {
  const plan = await db.query<{ 'QUERY PLAN': string }[]>(
    `EXPLAIN ANALYZE SELECT employee_id, count(*) FROM attendance_records
     WHERE organization_id = $1 AND date BETWEEN $2 AND $3 GROUP BY 1`,
    [organizationId, MONTH.from, MONTH.to],
  );
  console.log(plan.map((row) => `#   ${row['QUERY PLAN']}`).join('\n'));
}

const app = await startTestApp();
try {
  const admin = await loginAsAdmin(app);
  const organizationId = admin.user.organization_id;
  const db = app.app.get(DataSource);
  const seeding = performance.now();
  const rows = await seed(db, organizationId);
  console.log(
    `# ${people} people, ${rows} records written in ${((performance.now() - seeding) / 1000).toFixed(1)} s on ${
      testDatabaseUrl ? 'PostgreSQL' : 'PGlite'
    }; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  if (explain) await explainStatistics(db, organizationId);
  const range = `date_from=${MONTH.from}&date_to=${MONTH.to}`;
  const routes: [string, () => Promise<{ ms: number; note: string }>][] = [
    ['GET /attendance/summary (month)', () => timeRoute(app, admin, `/attendance/summary?${range}`)],
    ...['day', 'week', 'department', 'person'].map(
      (group) =>
        [
          `GET /attendance/statistics group_by=${group}`,
          () => timeRoute(app, admin, `/attendance/statistics?group_by=${group}&${range}`),
        ] as [string, () => Promise<{ ms: number; note: string }>],
    ),
    ...['json', 'csv', 'xlsx', 'pdf'].map(
      (format) =>
        [
          `GET /reports/attendance format=${format}`,
          () => timeRoute(app, admin, `/reports/attendance?format=${format}&${range}`),
        ] as [string, () => Promise<{ ms: number; note: string }>],
    ),
    ['report job xlsx, 202 to download', () => timeJob(app, admin, 'xlsx')],
  ];
  console.log(`| figure | median of ${runs} (ms) | size | goal | verdict |`);
  for (const [name, measure] of routes) {
    const { ms, note } = await measure();
    console.log(`| ${name} | ${ms.toFixed(0)} | ${note} | < ${GOAL_MS} ms | ${ms < GOAL_MS ? 'PASS' : 'MISS'} |`);
  }
  console.log(
    `# load average at the end ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await app.close();
}
