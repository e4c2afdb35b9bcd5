import PDFDocument from 'pdfkit';
import type { AttendanceCountsDto } from './attendance-counts.js';
import type { AttendanceReportDto } from './attendance-report.dto.js';
import { COUNT_HEADINGS, percent } from './report-columns.js';

const MARGIN = 36;
const ROW_HEIGHT = 13;
const FONT_SIZE = 7.5;
const FOOTER_SPACE = 24;
const COUNT_WIDTH = 42;

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

type Doc = InstanceType<typeof PDFDocument>;

/**
 * The report as a PDF (A4 landscape, the standard Helvetica font): title, organisation and period, a summary table by
 * department with the total, then one table per department (a row per person, its totals last; the header repeats on
 * each new page), and `Page n of N` at the foot of every page.
 */
export function renderPdf(report: AttendanceReportDto): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_SPACE, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: `${report.title}: ${report.organization}`,
      Author: 'FaceGate',
      CreationDate: new Date(report.generated_at),
    },
  });
  const done = collect(doc);
  heading(doc, report);
  const nameWidth = doc.page.width - 2 * MARGIN - COUNT_HEADINGS.length * COUNT_WIDTH;
  const counts: Column[] = COUNT_HEADINGS.map((column) => ({
    title: column.short,
    width: COUNT_WIDTH,
    align: 'right',
  }));

  section(doc, 'Summary by department');
  const summary = new PdfTable(doc, [{ title: 'Department (people)', width: nameWidth, align: 'left' }, ...counts]);
  summary.header();
  for (const department of report.departments) {
    summary.row([`${department.name} (${department.people.length})`, ...countTexts(department.totals)]);
  }
  const people = report.departments.reduce((sum, department) => sum + department.people.length, 0);
  summary.row([`Total (${people})`, ...countTexts(report.totals)], true);

  const codeWidth = Math.min(90, Math.round(nameWidth * 0.35));
  for (const department of report.departments) {
    doc.moveDown(1);
    section(
      doc,
      `${department.name}: ${department.people.length} ${department.people.length === 1 ? 'person' : 'people'}`,
    );
    const table = new PdfTable(
      doc,
      [
        { title: 'Code', width: codeWidth, align: 'left' },
        { title: 'Name', width: nameWidth - codeWidth, align: 'left' },
        ...counts,
      ],
      department.name,
    );
    table.header();
    for (const person of department.people) table.row([person.code, person.full_name, ...countTexts(person)]);
    table.row(['', `Total ${department.name}`, ...countTexts(department.totals)], true);
  }
  if (report.departments.length === 0)
    doc.moveDown(1).font('Helvetica').fontSize(10).text('No records in this period.');

  footers(doc, `${report.organization}, attendance ${report.date_from} to ${report.date_to}`);
  doc.end();
  return done;
}

function heading(doc: Doc, report: AttendanceReportDto): void {
  doc.font('Helvetica-Bold').fontSize(18).text(report.title);
  doc.font('Helvetica').fontSize(11).text(report.organization);
  doc.fontSize(9).text(`Period: ${report.date_from} to ${report.date_to} (${report.time_zone})`);
  if (report.department) doc.text(`Department: ${report.department}`);
  doc.text(`Generated: ${report.generated_at}`);
  doc.moveDown(1);
}

function section(doc: Doc, title: string): void {
  if (doc.y + 16 + 3 * ROW_HEIGHT > doc.page.height - doc.page.margins.bottom) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(11).text(title, MARGIN, doc.y);
  doc.moveDown(0.3);
}

function countTexts(counts: AttendanceCountsDto): string[] {
  return COUNT_HEADINGS.map((column) =>
    column.key === 'attendance_rate' ? percent(counts.attendance_rate) : String(counts[column.key]),
  );
}

/** A table drawn row by row at fixed positions; a row that would cross the foot starts a new page with the header. */
class PdfTable {
  constructor(
    private readonly doc: Doc,
    private readonly columns: Column[],
    /** Written above the header on each new page the table runs onto. */
    private readonly continued?: string,
  ) {}

  header(): void {
    this.line(
      this.columns.map((column) => column.title),
      true,
    );
    const y = this.doc.y;
    this.doc
      .moveTo(MARGIN, y - 2)
      .lineTo(this.doc.page.width - MARGIN, y - 2)
      .lineWidth(0.5)
      .stroke();
  }

  row(cells: string[], bold = false): void {
    if (this.doc.y + ROW_HEIGHT > this.doc.page.height - this.doc.page.margins.bottom) {
      this.doc.addPage();
      if (this.continued) section(this.doc, `${this.continued} (continued)`);
      this.header();
    }
    this.line(cells, bold);
  }

  private line(cells: string[], bold: boolean): void {
    const y = this.doc.y;
    this.doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(FONT_SIZE);
    let x = MARGIN;
    this.columns.forEach((column, i) => {
      const text = fit(this.doc, cells[i] ?? '', column.width - 4);
      this.doc.text(text, x + 2, y + 3, { width: column.width - 4, align: column.align, lineBreak: false });
      x += column.width;
    });
    this.doc.x = MARGIN;
    this.doc.y = y + ROW_HEIGHT;
  }
}

/** The text, cut with `...` to fit `width` at the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
  return `${cut}...`;
}

function footers(doc: Doc, caption: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 8;
    const width = doc.page.width - 2 * MARGIN;
    doc.font('Helvetica').fontSize(8);
    doc.text(fit(doc, caption, width - 100), MARGIN, y, { width: width - 100, lineBreak: false });
    doc.text(`Page ${i - start + 1} of ${count}`, MARGIN, y, { width, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function collect(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
