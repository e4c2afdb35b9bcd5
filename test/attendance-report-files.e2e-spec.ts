import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import {
  bearer,
  createDepartment,
  createOrganizationWithAdmin,
  createUserAndLogin,
  type Session,
} from './support/api-client.js';
import { apiCalls, expectError, expectStatus, type Json } from './support/api-calls.js';
import { type SeededAttendance, seedAttendance } from './support/attendance-seed.js';
import { useTestApp } from './support/use-test-app.js';

const RANGE = 'date_from=2026-11-28&date_to=2026-12-07';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** RFC 4180 fields of each line (quoted fields may hold commas, doubled quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && char === '"') quoted = false;
    else if (quoted) field += char;
    else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += char;
  }
  assert.equal(field + row.join(''), '', 'the CSV ends with CRLF');
  return rows;
}

/** Reports over the nine records of support/attendance-seed.ts, opened the way their readers open them. */
describe('attendance report files', () => {
  const context = useTestApp();
  const { send } = apiCalls(() => context.sut);
  let seed: SeededAttendance;
  let admin: Session;
  const folder = mkdtempSync(join(tmpdir(), 'facegate-report-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** GET with the body as bytes, whatever its type. */
  const download = (session: Session, path: string) =>
    context.sut
      .http()
      .get(`/api/v1${path}`)
      .set(bearer(session))
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });

  const file = async (query: string, contentType: string) => {
    const response = await download(admin, `/reports/attendance?${query}`);
    assert.equal(response.status, 200, String(response.body));
    assert.equal(response.headers['content-type'], contentType);
    assert.equal(response.headers['cache-control'], 'private, no-store');
    return { bytes: response.body as Buffer, disposition: String(response.headers['content-disposition']) };
  };

  before(async () => {
    seed = await seedAttendance(context.sut, context.superAdmin);
    admin = seed.admin;
  });

  it('answers JSON as a file: departments by name with their people, totals per department and overall', async () => {
    const { bytes, disposition } = await file(`format=json&${RANGE}`, 'application/json; charset=utf-8');
    assert.equal(disposition, 'attachment; filename="attendance-2026-11-28-to-2026-12-07.json"');
    const report = JSON.parse(bytes.toString('utf8')) as Json & { departments: Json[] };
    assert.deepEqual(
      [report.title, report.organization, report.date_from, report.date_to, report.time_zone],
      ['Attendance report', seed.organizationName, '2026-11-28', '2026-12-07', 'Asia/Kolkata'],
    );
    assert.deepEqual(
      report.departments.map((department) => [
        department.name,
        (department.people as Json[]).map((person) => person.full_name),
        (department.totals as Json).records,
        (department.totals as Json).attendance_rate,
        (department.totals as Json).work_hours,
      ]),
      [
        ['Engineering', ['Ada Test', 'Cleo Test'], 5, 0.75, 19.5],
        ['Sales, "EMEA"', ['=Dev Test'], 2, 1, 17],
        ['Unassigned', ['Ben Test'], 2, 0.5, 8.5],
      ],
    );
    const totals = report.totals as Json;
    assert.deepEqual(
      [totals.records, totals.present, totals.late, totals.half_day, totals.absent, totals.excused, totals.weekend],
      [9, 3, 2, 1, 1, 1, 1],
    );
    assert.deepEqual(
      [totals.attended, totals.working_days, totals.attendance_rate, totals.work_hours],
      [6, 8, 0.75, 45],
    );
  });

  it('writes CSV that parses back: quotes escaped, formulas defused, one row per person', async () => {
    const { bytes, disposition } = await file(`format=csv&${RANGE}`, 'text/csv; charset=utf-8');
    assert.equal(disposition, 'attachment; filename="attendance-2026-11-28-to-2026-12-07.csv"');
    const text = bytes.toString('utf8');
    assert.ok(text.includes('"Sales, ""EMEA"""'), text);
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header.slice(0, 6), ['Department', 'Code', 'Name', 'Records', 'Present', 'Late']);
    assert.deepEqual(header.slice(-3), ['Working days', 'Attendance rate', 'Work hours']);
    assert.deepEqual(
      rows.map((row) => [row[0], row[2], row[3], row.at(-2), row.at(-1)]),
      [
        ['Engineering', 'Ada Test', '3', '1', '19.5'],
        ['Engineering', 'Cleo Test', '2', '0', '0'],
        ['Sales, "EMEA"', "'=Dev Test", '2', '1', '17'],
        ['Unassigned', 'Ben Test', '2', '0.5', '8.5'],
      ],
    );
    assert.ok(rows.every((row) => row.length === header.length && /^[A-Z]+-/.test(row[1])));
  });

  it('writes XLSX that exceljs reads back: a summary with totals and a sheet of people', async () => {
    const { bytes, disposition } = await file(`format=xlsx&${RANGE}`, XLSX);
    assert.equal(disposition, 'attachment; filename="attendance-2026-11-28-to-2026-12-07.xlsx"');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
    assert.deepEqual(
      workbook.worksheets.map((sheet) => sheet.name),
      ['Summary', 'People'],
    );
    const summary = workbook.getWorksheet('Summary')!;
    const values = (row: ExcelJS.Row) => (row.values as unknown[]).slice(1);
    assert.equal(summary.getCell('A1').value, 'Attendance report');
    assert.equal(summary.getCell('B2').value, seed.organizationName);
    const rows: unknown[][] = [];
    summary.eachRow((row) => rows.push(values(row)));
    const table = rows.slice(rows.findIndex((row) => row[0] === 'Department'));
    assert.deepEqual(
      table.map((row) => [row[0], row[1], row[2], row[11], row[12], row[13]]),
      [
        ['Department', 'People', 'Records', 'Working days', 'Attendance rate', 'Work hours'],
        ['Engineering', 2, 5, 4, 0.75, 19.5],
        ['Sales, "EMEA"', 1, 2, 2, 1, 17],
        ['Unassigned', 1, 2, 2, 0.5, 8.5],
        ['Total', 4, 9, 8, 0.75, 45],
      ],
    );
    assert.equal(summary.getCell(`M${summary.rowCount}`).numFmt, '0.0%');
    const people = workbook.getWorksheet('People')!;
    assert.equal(people.rowCount, 5);
    assert.deepEqual(
      values(people.getRow(4))
        .slice(0, 1)
        .concat(values(people.getRow(4)).slice(2, 5)),
      ['Sales, "EMEA"', '=Dev Test', 2, 1],
    );
  });

  it('writes a PDF that renders, with title, organisation, period, department tables, totals and page numbers', async () => {
    const { bytes, disposition } = await file(`format=pdf&${RANGE}`, 'application/pdf');
    assert.equal(disposition, 'attachment; filename="attendance-2026-11-28-to-2026-12-07.pdf"');
    const path = join(folder, 'report.pdf');
    writeFileSync(path, bytes);
    execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', path, join(folder, 'page')]);
    const png = readFileSync(join(folder, existsSync(join(folder, 'page-1.png')) ? 'page-1.png' : 'page-01.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    for (const expected of [
      'Attendance report',
      seed.organizationName,
      'Period: 2026-11-28 to 2026-12-07 (Asia/Kolkata)',
      'Summary by department',
      'Engineering: 2 people',
      'Sales, "EMEA": 1 person',
      'Unassigned: 1 person',
      'Ada Test',
      '=Dev Test',
      'Page 1 of 1',
    ]) {
      assert.ok(text.includes(expected), `${expected} in:\n${text}`);
    }
    const total = text.split('\n').find((line) => line.includes('Total (4)'));
    assert.deepEqual(
      total
        ?.trim()
        .split(/\s{2,}|\s(?=\d)/)
        .slice(1),
      ['9', '3', '2', '1', '1', '1', '0', '1', '6', '8', '75.0%', '45'],
    );
    assert.match(text, /Total Engineering\s+5\s+1\s+1\s+1\s+0\s+1\s+0\s+1\s+3\s+4\s+75\.0%\s+19\.5/);
  });

  it('narrows to one department, named in the file name', async () => {
    const { bytes, disposition } = await file(
      `format=json&${RANGE}&department_id=${seed.departments.sales}`,
      'application/json; charset=utf-8',
    );
    assert.equal(disposition, 'attachment; filename="attendance-2026-11-28-to-2026-12-07-sales-emea.json"');
    const report = JSON.parse(bytes.toString('utf8')) as { department: string; departments: Json[]; totals: Json };
    assert.equal(report.department, 'Sales, "EMEA"');
    assert.deepEqual(
      report.departments.map((department) => department.name),
      ['Sales, "EMEA"'],
    );
    assert.equal(report.totals.records, 2);
  });

  it('runs a long range as a job whose file downloads once done, for its organisation only', async () => {
    const started = expectStatus(
      await send(admin, 'get', '/reports/attendance?format=xlsx&date_from=2026-11-01&date_to=2026-12-31'),
      202,
    );
    assert.equal(started.type, 'reports.attendance');
    let job = started;
    for (let i = 0; i < 200 && !['completed', 'failed'].includes(String(job.status)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = expectStatus(await send(admin, 'get', `/jobs/${String(started.id)}`), 200);
    }
    assert.equal(job.status, 'completed', JSON.stringify(job));
    const result = job.result as Json;
    assert.deepEqual(
      [result.file_name, result.content_type, result.download_url],
      ['attendance-2026-11-01-to-2026-12-31.xlsx', XLSX, `/api/v1/reports/files/${String(result.file_id)}`],
    );
    const response = await download(admin, `/reports/files/${String(result.file_id)}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], XLSX);
    assert.equal(
      response.headers['content-disposition'],
      'attachment; filename="attendance-2026-11-01-to-2026-12-31.xlsx"',
    );
    assert.equal((response.body as Buffer).length, result.bytes);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.body as ExcelJS.Buffer);
    const summary = workbook.getWorksheet('Summary')!;
    const total = (summary.getRow(summary.rowCount).values as unknown[]).slice(1, 4);
    assert.deepEqual(total, ['Total', 4, 9]);

    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    expectError(await send(other, 'get', `/reports/files/${String(result.file_id)}`), 404, 'not_found');
    // Photos' route serves photos only: a report is not a photo.
    expectError(await send(admin, 'get', `/files/${String(result.file_id)}`), 404, 'not_found');
  });

  it('answers 404 for a department of another organisation, 403 without attendance:read', async () => {
    const { admin: other } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const theirs = (await createDepartment(context.sut, other, { name: 'Theirs', code: 'THR' })).id;
    expectError(await send(admin, 'get', `/reports/attendance?${RANGE}&department_id=${theirs}`), 404, 'not_found');
    const employee = await createUserAndLogin(context.sut, admin);
    expectError(await send(employee, 'get', `/reports/attendance?${RANGE}`), 403, 'forbidden');
    expectError(await send(admin, 'get', `/reports/attendance?format=docx&${RANGE}`), 400, 'validation_error');
  });
});
