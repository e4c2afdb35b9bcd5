import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { AttendanceCountsDto } from './attendance-counts.js';
import type { AttendanceReportDto } from './attendance-report.dto.js';
import { COUNT_HEADINGS } from './report-columns.js';

const RATE_FORMAT = '0.0%';
const RATE_INDEX = COUNT_HEADINGS.findIndex((heading) => heading.key === 'attendance_rate');

/**
 * The report as an Excel workbook: a `Summary` sheet (title, organisation, period, one row per department and the
 * total) and a `People` sheet (one row per person and department, filterable, header frozen). Written with exceljs's
 * streaming writer and inline strings: four times less CPU than the in-memory workbook for 10,000 people.
 */
export async function renderXlsx(report: AttendanceReportDto): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = 'FaceGate';
  workbook.created = new Date(report.generated_at);
  addSummary(workbook, report);
  addPeople(workbook, report);
  await workbook.commit();
  return Buffer.concat(chunks);
}

/** Count columns, the attendance rate shown as a percentage (the cell keeps the 0-1 number). */
function countColumns(): Partial<ExcelJS.Column>[] {
  return COUNT_HEADINGS.map((column, i) => ({
    header: column.heading,
    width: 13,
    ...(i === RATE_INDEX ? { style: { numFmt: RATE_FORMAT } } : {}),
  }));
}

function addSummary(workbook: ExcelJS.stream.xlsx.WorkbookWriter, report: AttendanceReportDto): void {
  const sheet = workbook.addWorksheet('Summary');
  sheet.columns = [
    { width: 28 },
    { width: 13 },
    ...countColumns().map((column) => ({ width: column.width, style: column.style })),
  ];
  const add = (values: (string | number)[], bold = false, size?: number) => {
    const row = sheet.addRow(values);
    if (bold) row.font = { bold: true, ...(size ? { size } : {}) };
    row.commit();
  };
  add([report.title], true, 14);
  add(['Organisation', report.organization]);
  add(['Period', `${report.date_from} to ${report.date_to} (${report.time_zone})`]);
  if (report.department) add(['Department', report.department]);
  add(['Generated', report.generated_at]);
  add([]);
  add(['Department', 'People', ...COUNT_HEADINGS.map((column) => column.heading)], true);
  for (const department of report.departments) {
    add([department.name, department.people.length, ...countCells(department.totals)]);
  }
  const people = report.departments.reduce((sum, department) => sum + department.people.length, 0);
  add(['Total', people, ...countCells(report.totals)], true);
  sheet.commit();
}

function addPeople(workbook: ExcelJS.stream.xlsx.WorkbookWriter, report: AttendanceReportDto): void {
  const sheet = workbook.addWorksheet('People', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'Department', width: 24 },
    { header: 'Code', width: 16 },
    { header: 'Name', width: 28 },
    ...countColumns(),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COUNT_HEADINGS.length + 3 } };
  for (const department of report.departments) {
    for (const person of department.people) {
      sheet.addRow([department.name, person.code, person.full_name, ...countCells(person)]).commit();
    }
  }
  sheet.commit();
}

function countCells(counts: AttendanceCountsDto): number[] {
  return COUNT_HEADINGS.map((column) => counts[column.key]);
}
