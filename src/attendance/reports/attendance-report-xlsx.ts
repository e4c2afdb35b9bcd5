import ExcelJS from 'exceljs';
import type { AttendanceCountsDto } from './attendance-counts.js';
import type { AttendanceReportDto } from './attendance-report.dto.js';
import { COUNT_HEADINGS } from './report-columns.js';

const RATE_FORMAT = '0.0%';

/**
 * The report as an Excel workbook: a `Summary` sheet (title, organisation, period, one row per department and the
 * total) and a `People` sheet (one row per person and department, filterable, header frozen).
 */
export async function renderXlsx(report: AttendanceReportDto): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'FaceGate';
  workbook.created = new Date(report.generated_at);
  addSummary(workbook, report);
  addPeople(workbook, report);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSummary(workbook: ExcelJS.Workbook, report: AttendanceReportDto): void {
  const sheet = workbook.addWorksheet('Summary');
  sheet.addRow([report.title]).font = { bold: true, size: 14 };
  sheet.addRow(['Organisation', report.organization]);
  sheet.addRow(['Period', `${report.date_from} to ${report.date_to} (${report.time_zone})`]);
  if (report.department) sheet.addRow(['Department', report.department]);
  sheet.addRow(['Generated', report.generated_at]);
  sheet.addRow([]);
  const header = sheet.addRow(['Department', 'People', ...COUNT_HEADINGS.map((column) => column.heading)]);
  header.font = { bold: true };
  const first = header.number + 1;
  for (const department of report.departments) {
    sheet.addRow([department.name, department.people.length, ...countCells(department.totals)]);
  }
  const people = report.departments.reduce((sum, department) => sum + department.people.length, 0);
  sheet.addRow(['Total', people, ...countCells(report.totals)]).font = { bold: true };
  formatRates(sheet, 3, first);
  sheet.getColumn(1).width = 28;
  for (let column = 2; column <= COUNT_HEADINGS.length + 2; column++) sheet.getColumn(column).width = 13;
}

function addPeople(workbook: ExcelJS.Workbook, report: AttendanceReportDto): void {
  const sheet = workbook.addWorksheet('People', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'Department', width: 24 },
    { header: 'Code', width: 16 },
    { header: 'Name', width: 28 },
    ...COUNT_HEADINGS.map((column) => ({ header: column.heading, width: 13 })),
  ];
  sheet.getRow(1).font = { bold: true };
  for (const department of report.departments) {
    for (const person of department.people) {
      sheet.addRow([department.name, person.code, person.full_name, ...countCells(person)]);
    }
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COUNT_HEADINGS.length + 3 } };
  formatRates(sheet, 4, 2);
}

function countCells(counts: AttendanceCountsDto): number[] {
  return COUNT_HEADINGS.map((column) => counts[column.key]);
}

/** Shows the attendance rate column as a percentage (the cell keeps the 0-1 number). */
function formatRates(sheet: ExcelJS.Worksheet, firstCountColumn: number, fromRow: number): void {
  const column = firstCountColumn + COUNT_HEADINGS.findIndex((heading) => heading.key === 'attendance_rate');
  sheet.getColumn(column).eachCell((cell, row) => {
    if (row >= fromRow) cell.numFmt = RATE_FORMAT;
  });
}
