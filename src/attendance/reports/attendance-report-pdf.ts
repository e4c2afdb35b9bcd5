import PDFDocument from 'pdfkit';
import type { AttendanceCountsDto } from './attendance-counts.js';
import type { AttendanceReportDto } from './attendance-report.dto.js';
import { COUNT_HEADINGS, percent } from './report-columns.js';

const MARGIN = 36;
const ROW_HEIGHT = 13;
const FONT_SIZE = 7.5;
const FOOTER_SPACE = 24;
const COUNT_WIDTH = 42;
const SECTION_HEIGHT = 18;
const A4_LANDSCAPE = { width: 841.89, height: 595.28 };

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

type Doc = InstanceType<typeof PDFDocument>;

/**
 * The report as a PDF (A4 landscape, the standard Helvetica font): title, organisation and period, a summary table by
 * department with the total, then one table per department (a row per person, its totals last; the header repeats on
 * each new page, under the department's name), and `Page n of N` at the foot of every page.
 *
 * Every element has a fixed height, so one pass without drawing counts the pages, and the second draws each page with
 * its footer as it goes. (pdfkit's bufferPages, the usual way to number pages, keeps every page in memory and
 * doubled the time of a 10,000-person report.)
 */
export function renderPdf(report: AttendanceReportDto): Promise<Buffer> {
  const pages = new ReportLayout(report, null, 0).run();
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, bottom: 0, left: MARGIN, right: MARGIN },
    info: {
      Title: `${report.title}: ${report.organization}`,
      Author: 'FaceGate',
      CreationDate: new Date(report.generated_at),
    },
  });
  const done = collect(doc);
  new ReportLayout(report, doc, pages).run();
  doc.end();
  return done;
}

/** Lays the report out page by page; draws when given a document, else only counts the pages. */
class ReportLayout {
  private page = 1;
  private y = MARGIN;
  private readonly bottom = A4_LANDSCAPE.height - MARGIN - FOOTER_SPACE;
  private readonly nameWidth = A4_LANDSCAPE.width - 2 * MARGIN - COUNT_HEADINGS.length * COUNT_WIDTH;
  private readonly counts: Column[] = COUNT_HEADINGS.map((column) => ({
    title: column.short,
    width: COUNT_WIDTH,
    align: 'right',
  }));

  constructor(
    private readonly report: AttendanceReportDto,
    private readonly doc: Doc | null,
    private readonly pages: number,
  ) {}

  /** Lays out everything; answers the number of pages. */
  run(): number {
    const { report } = this;
    this.footer();
    this.heading();
    this.section('Summary by department');
    const summary: Column[] = [{ title: 'Department (people)', width: this.nameWidth, align: 'left' }, ...this.counts];
    this.line(
      summary,
      summary.map((column) => column.title),
      true,
      true,
    );
    for (const department of report.departments) {
      this.row(summary, [`${department.name} (${department.people.length})`, ...countTexts(department.totals)]);
    }
    const people = report.departments.reduce((sum, department) => sum + department.people.length, 0);
    this.row(summary, [`Total (${people})`, ...countTexts(report.totals)], true);

    const codeWidth = Math.min(90, Math.round(this.nameWidth * 0.35));
    const table: Column[] = [
      { title: 'Code', width: codeWidth, align: 'left' },
      { title: 'Name', width: this.nameWidth - codeWidth, align: 'left' },
      ...this.counts,
    ];
    for (const department of report.departments) {
      this.y += ROW_HEIGHT;
      const size = department.people.length;
      this.section(`${department.name}: ${size} ${size === 1 ? 'person' : 'people'}`);
      this.line(
        table,
        table.map((column) => column.title),
        true,
        true,
      );
      for (const person of department.people) {
        this.row(table, [person.code, person.full_name, ...countTexts(person)], false, department.name);
      }
      this.row(table, ['', `Total ${department.name}`, ...countTexts(department.totals)], true, department.name);
    }
    if (report.departments.length === 0) {
      this.doc
        ?.font('Helvetica')
        .fontSize(10)
        .text('No records in this period.', MARGIN, this.y + ROW_HEIGHT);
    }
    return this.page;
  }

  private heading(): void {
    const { report } = this;
    this.write('Helvetica-Bold', 18, report.title, 24);
    this.write('Helvetica', 11, report.organization, 15);
    this.write('Helvetica', 9, `Period: ${report.date_from} to ${report.date_to} (${report.time_zone})`, 12);
    if (report.department) this.write('Helvetica', 9, `Department: ${report.department}`, 12);
    this.write('Helvetica', 9, `Generated: ${report.generated_at}`, 12);
    this.y += 12;
  }

  /** A section title, on a new page unless it and three rows fit. */
  private section(title: string): void {
    if (this.y + SECTION_HEIGHT + 3 * ROW_HEIGHT > this.bottom) this.newPage();
    this.write('Helvetica-Bold', 11, title, SECTION_HEIGHT);
  }

  /** A table row; one that would cross the foot starts a new page with the table's title and header. */
  private row(columns: Column[], cells: string[], bold = false, continued?: string): void {
    if (this.y + ROW_HEIGHT > this.bottom) {
      this.newPage();
      if (continued) this.write('Helvetica-Bold', 11, `${continued} (continued)`, SECTION_HEIGHT);
      this.line(
        columns,
        columns.map((column) => column.title),
        true,
        true,
      );
    }
    this.line(columns, cells, bold, false);
  }

  private line(columns: Column[], cells: string[], bold: boolean, rule: boolean): void {
    const doc = this.doc;
    if (doc) {
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(FONT_SIZE);
      let x = MARGIN;
      columns.forEach((column, i) => {
        const text = fit(doc, cells[i] ?? '', column.width - 4);
        const left = column.align === 'left' ? x + 2 : x + column.width - 2 - doc.widthOfString(text);
        doc.text(text, left, this.y + 3, { lineBreak: false });
        x += column.width;
      });
      if (rule) {
        doc
          .moveTo(MARGIN, this.y + ROW_HEIGHT)
          .lineTo(A4_LANDSCAPE.width - MARGIN, this.y + ROW_HEIGHT)
          .lineWidth(0.5)
          .stroke();
      }
    }
    this.y += ROW_HEIGHT + (rule ? 2 : 0);
  }

  private write(font: string, size: number, text: string, height: number): void {
    this.doc?.font(font).fontSize(size).text(text, MARGIN, this.y, { lineBreak: false });
    this.y += height;
  }

  private newPage(): void {
    this.doc?.addPage();
    this.page += 1;
    this.y = MARGIN;
    this.footer();
  }

  private footer(): void {
    const doc = this.doc;
    if (!doc) return;
    const { report } = this;
    const y = A4_LANDSCAPE.height - MARGIN - 8;
    const width = A4_LANDSCAPE.width - 2 * MARGIN;
    doc.font('Helvetica').fontSize(8);
    const caption = `${report.organization}, attendance ${report.date_from} to ${report.date_to}`;
    doc.text(fit(doc, caption, width - 100), MARGIN, y, { lineBreak: false });
    const number = `Page ${this.page} of ${this.pages}`;
    doc.text(number, A4_LANDSCAPE.width - MARGIN - doc.widthOfString(number), y, { lineBreak: false });
  }
}

function countTexts(counts: AttendanceCountsDto): string[] {
  return COUNT_HEADINGS.map((column) =>
    column.key === 'attendance_rate' ? percent(counts.attendance_rate) : String(counts[column.key]),
  );
}

/** The text, cut with `...` to fit `width` at the current font. */
function fit(doc: Doc, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}...`) > width) cut = cut.slice(0, -1);
  return `${cut}...`;
}

function collect(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
