import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { DailyCloseScheduler } from '../src/attendance/daily-close.scheduler.js';
import { loginAsAdmin, type Session } from './support/api-client.js';
import { createPerson } from './support/people.js';
import { describeResult, probeRoutes, problemWith, type ProbeResult } from './support/route-probe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const base64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Tokens a client should never get through with, made from a real one: expired, forged, unsigned, not a JWT. */
function badTokensFrom(session: Session, secret: string): Record<string, string> {
  const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1], 'base64url').toString()) as {
    exp: number;
    iat: number;
  };
  const sign = (header: object, payload: object, key: string) => {
    const unsigned = `${base64url(header)}.${base64url(payload)}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  };
  const hs256 = { alg: 'HS256', typ: 'JWT' };
  const now = Math.floor(Date.now() / 1000);
  return {
    'expired token': sign(hs256, { ...claims, iat: now - 7200, exp: now - 3600 }, secret),
    'forged token': sign(hs256, { ...claims, role: 'super_admin' }, 'a-guessed-secret'),
    'alg none token': `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, role: 'super_admin' })}.`,
    'not a JWT': 'not.a.jwt',
  };
}

/** Rows per table of the app's database. */
async function rowCounts(sut: TestApp): Promise<Record<string, number>> {
  const db = sut.app.get(DataSource);
  const tables = await db.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    counts[name] = Number((await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${name}"`))[0].n);
  }
  return counts;
}

/** Every file under DATA_DIR but the embedded database's own. */
function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'pgdata' && dir === root ? [] : filesUnder(path, root);
    return [relative(root, path)];
  });
}

describe('route probe', () => {
  let sut: TestApp;
  let results: ProbeResult[];
  let before_: { rows: Record<string, number>; files: string[] };
  let after_: { rows: Record<string, number>; files: string[] };
  const badTokenNames: string[] = [];

  before(async () => {
    sut = await startTestApp();
    const admin = await loginAsAdmin(sut);
    const employeeId = await createPerson(sut, admin, 'Probe');
    const badTokens = badTokensFrom(admin, sut.config.jwtSecret);
    badTokenNames.push(...Object.keys(badTokens));
    // The daily close's minute tick claims days in attendance_closures and queues jobs: not the probe's doing, and a
    // probe longer than a minute would count them.
    sut.app.get(DailyCloseScheduler).onApplicationShutdown();
    before_ = { rows: await rowCounts(sut), files: filesUnder(sut.config.dataDir).sort() };
    results = await probeRoutes(sut, admin, { employeeId }, badTokens);
    after_ = { rows: await rowCounts(sut), files: filesUnder(sut.config.dataDir).sort() };
  });
  after(() => sut.close());

  it('sends bad input to every documented operation, as an admin, without a token and with bad tokens', () => {
    const routes = new Set(results.map((result) => `${result.method} ${result.route}`));
    assert.ok(routes.size >= 50, `only ${routes.size} operations probed`);
    for (const as of ['admin', 'anonymous', ...badTokenNames]) {
      assert.ok(
        results.some((result) => result.as === as),
        as,
      );
    }
    const cases = [
      'deep JSON body',
      '__proto__ key',
      'NUL in query search',
      'SQL quote in query search',
      'script tag in name',
      'page=1e20',
      '1 x 39,000,000 PNG',
      '100 MP PNG',
      'text/plain body',
      'JSON instead of multipart',
      'path parameter not a UUID',
    ];
    for (const name of cases) {
      assert.ok(
        results.some((result) => result.case.startsWith(name)),
        `case ${name} was sent`,
      );
    }
  });

  it('answers no bad input with a 5xx, and every error in the { error, message, trace_id } shape', () => {
    const problems = results.flatMap((result) => {
      const problem = problemWith(result);
      return problem ? [`${problem}: ${describeResult(result)}`] : [];
    });
    assert.deepEqual(problems, []);
  });

  it('declares in the OpenAPI document every error status and code it answers', async () => {
    type Responses = Record<string, { content?: { 'application/json'?: { schema?: { allOf?: unknown[] } } } }>;
    const document = (await sut.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Responses }>>;
    };
    const undeclared = new Set<string>();
    for (const result of results.filter((each) => each.status >= 400 && each.case !== 'outside the document')) {
      const responses = document.paths[result.route][result.method.toLowerCase()].responses;
      const declared = responses[String(result.status)]?.content?.['application/json']?.schema?.allOf?.[1] as
        { properties: { error: { enum: string[] } } } | undefined;
      const code = (result.body as { error: string }).error;
      if (!declared?.properties.error.enum.includes(code)) {
        undeclared.add(`${result.method} ${result.route} ${result.status} ${code}`);
      }
    }
    assert.deepEqual([...undeclared].sort(), []);
  });

  it('refuses the bad input it sends as the admin (nothing slips through as a success)', () => {
    const accepted = results.filter((result) => result.as === 'admin' && !result.mayAnswer && result.status < 400);
    assert.deepEqual(accepted.map(describeResult), []);
  });

  it('takes SQL and script strings as plain text: a search with one finds nothing', () => {
    for (const r of results.filter((result) => result.status < 400))
      console.log('# ok', describeResult(r).slice(0, 200));
    const answered = results.filter((result) => result.mayAnswer && result.status < 400);
    assert.ok(answered.length > 0, 'some searches ran');
    const found = answered.filter((result) => {
      const body = result.body as { count?: number; results?: unknown[] } | unknown[];
      if (Array.isArray(body)) return body.length > 0;
      return (body.count ?? 0) > 0 || (body.results?.length ?? 0) > 0;
    });
    assert.deepEqual(found.map(describeResult), []);
  });

  it('refuses expired, forged, unsigned and malformed tokens with 401 on every route that needs a login', () => {
    const passed = results.filter(
      (result) =>
        badTokenNames.includes(result.as) &&
        result.status !== 401 &&
        !result.route.startsWith('/api/v1/auth/') &&
        !['/healthz', '/readyz'].includes(result.route) &&
        !result.route.startsWith('/api/v1/files/signed/'),
    );
    assert.deepEqual(passed.map(describeResult), []);
  });

  it('leaves no row and no file behind, and the process keeps answering', async () => {
    assert.deepEqual(after_.files, before_.files, 'files under DATA_DIR');
    // What may have grown, and why: hostile strings taken as text made rows (each audited); failed logins are
    // counted (auth_throttle); an enrollment attempt is a job whose result lists the refused photos.
    const created = results.filter((result) => result.status === 201);
    const createdIn = (route: string) => created.filter((result) => result.route === route).length;
    const expected: Record<string, number> = {
      ...before_.rows,
      locations: before_.rows.locations + createdIn('/api/v1/locations'),
      employees: before_.rows.employees + createdIn('/api/v1/employees'),
      audit_logs: before_.rows.audit_logs + created.length,
      auth_throttle: after_.rows.auth_throttle,
      jobs: after_.rows.jobs,
    };
    assert.deepEqual(after_.rows, expected);
    assert.ok(
      created.every((result) => result.mayAnswer),
      'only text taken as data made a row',
    );
    const jobs = await sut.app
      .get(DataSource)
      .query<{ type: string; accepted: number }[]>(
        `SELECT type, json_array_length((result::json)->'accepted') AS accepted FROM jobs`,
      );
    assert.ok(
      jobs.every((job) => job.type === 'faces.enroll' && Number(job.accepted) === 0),
      JSON.stringify(jobs),
    );
    assert.equal(after_.rows.face_templates, before_.rows.face_templates);
    assert.equal((await sut.http().get('/healthz')).status, 200);
  });
});
