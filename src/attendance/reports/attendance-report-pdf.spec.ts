import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { toCounts } from './attendance-counts.js';
import type { AttendanceReportDto } from './attendance-report.dto.js';
import { renderPdf } from './attendance-report-pdf.js';

const present = toCounts({
  records: 5,
  present: 4,
  late: 1,
  half_day: 0,
  absent: 0,
  excused: 0,
  holiday: 0,
  weekend: 0,
  work_hours: 40,
});

/** A report of `size` people in each of two departments. */
function report(size: number): AttendanceReportDto {
  const department = (name: string) => ({
    id: name,
    name,
    people: Array.from({ length: size }, (_, i) => ({
      employee_id: `${name}-${i}`,
      code: `${name.slice(0, 3).toUpperCase()}-${String(i).padStart(4, '0')}`,
      full_name: `Person ${i} with a rather long name that has to be cut to fit its column`,
      ...present,
    })),
    totals: present,
  });
  return {
    title: 'Attendance report',
    organization: 'Acme',
    date_from: '2026-11-01',
    date_to: '2026-11-30',
    time_zone: 'UTC',
    department: null,
    generated_at: '2026-12-01T00:00:00.000Z',
    departments: [department('Engineering'), department('Sales')],
    totals: present,
  };
}

describe('attendance report PDF', () => {
  const folder = mkdtempSync(join(tmpdir(), 'facegate-pdf-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('numbers every page "Page n of N" and repeats the table header on each page', async () => {
    const path = join(folder, 'long.pdf');
    writeFileSync(path, await renderPdf(report(120)));
    const pages = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
    assert.ok(pages.length >= 6, `${pages.length} pages`);
    pages.forEach((page, i) => {
      assert.ok(page.includes(`Page ${i + 1} of ${pages.length}`), `page ${i + 1}:\n${page}`);
      assert.match(page, /Present\s+Late\s+Half day/, `header on page ${i + 1}`);
      if (i > 0) assert.match(page, /^\s*(Engineering|Sales|Summary)/, `what page ${i + 1} continues`);
    });
    const text = pages.join('\n');
    assert.ok(text.includes('ENG-0119') && text.includes('SAL-0119'));
    assert.ok(text.includes('...'), 'long names are cut');
    assert.ok(!text.includes('fit its column'));
  });
});
