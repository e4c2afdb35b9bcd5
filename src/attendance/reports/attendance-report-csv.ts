import type { AttendanceReportDto } from './attendance-report.dto.js';
import { COUNT_HEADINGS } from './report-columns.js';

/**
 * The report as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break quoted and
 * quotes doubled): one row per person and department. Text that a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'`.
 */
export function renderCsv(report: AttendanceReportDto): Buffer {
  const lines = [['Department', 'Code', 'Name', ...COUNT_HEADINGS.map((column) => column.heading)]];
  for (const department of report.departments) {
    for (const person of department.people) {
      lines.push([
        department.name,
        person.code,
        person.full_name,
        ...COUNT_HEADINGS.map((column) => String(person[column.key])),
      ]);
    }
  }
  return Buffer.from(lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
