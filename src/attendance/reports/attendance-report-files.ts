import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../access/auth-user.js';
import { AuditService } from '../../audit/audit.service.js';
import { AppConfig } from '../../config/app-config.js';
import { type JobDto, toJobDto } from '../../jobs/job.dto.js';
import { JobFailure, JobQueue } from '../../jobs/job-queue.js';
import { ApiError } from '../../common/api-error.js';
import { OnJob } from '../../jobs/on-job.decorator.js';
import { DocumentStore } from '../../storage/document-store.js';
import type { StoredFile } from '../../storage/stored-file.entity.js';
import { renderCsv } from './attendance-report-csv.js';
import { AttendanceReportData } from './attendance-report-data.js';
import { renderPdf } from './attendance-report-pdf.js';
import { renderXlsx } from './attendance-report-xlsx.js';
import {
  type AttendanceReportQuery,
  REPORT_CONTENT_TYPES,
  type RenderedReport,
  type ReportFileDto,
  type ReportFormat,
} from './attendance-report.dto.js';
import { reportFileName } from './report-columns.js';
import { type ReportScope, ReportScopes } from './report-scope.js';

export interface AttendanceReportPayload {
  organizationId: string;
  format: ReportFormat;
  date_from: string;
  date_to: string;
  department_id: string | null;
}

declare module '../../jobs/job-types.js' {
  interface JobTypes {
    'reports.attendance': { payload: AttendanceReportPayload; result: ReportFileDto };
  }
}

/** The answer to a report request: the file itself, or (a long range) the job that will store it. */
export type ReportAnswer = { status: 200; file: RenderedReport } | { status: 202; job: JobDto };

/**
 * Attendance report files. A range of up to REPORT_SYNC_MAX_DAYS days is rendered at once; a longer one runs as the job
 * `reports.attendance`, whose result names the stored file to fetch at `GET /reports/files/:id`.
 */
@Injectable()
export class AttendanceReportFiles {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scopes: ReportScopes,
    private readonly data: AttendanceReportData,
    private readonly documents: DocumentStore,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async request(caller: AuthUser, query: AttendanceReportQuery): Promise<ReportAnswer> {
    const scope = await this.scopes.resolve(caller.organizationId, query);
    const what = { format: query.format, date_from: scope.from, date_to: scope.to, department_id: scope.departmentId };
    if (scope.days <= this.config.reportSyncMaxDays) {
      const file = await this.render(scope, query.format);
      await this.audit.record({
        action: 'attendance_report.exported',
        entityType: 'attendance_report',
        newValues: what,
      });
      return { status: 200, file };
    }
    const job = await this.jobs.enqueue(
      'reports.attendance',
      { organizationId: caller.organizationId, ...what },
      {
        organizationId: caller.organizationId,
        createdBy: caller.id,
        // The same report asked for again while it is being made is the same job.
        idempotencyKey: [caller.organizationId, query.format, scope.from, scope.to, scope.departmentId ?? 'all'].join(
          ':',
        ),
      },
    );
    await this.audit.record({
      action: 'attendance_report.queued',
      entityType: 'job',
      entityId: job.id,
      newValues: what,
    });
    return { status: 202, job: toJobDto(job) };
  }

  @OnJob('reports.attendance')
  async run(payload: AttendanceReportPayload, jobId: string): Promise<ReportFileDto> {
    const scope = await this.scopes
      .resolve(payload.organizationId, {
        date_from: payload.date_from,
        date_to: payload.date_to,
        department_id: payload.department_id ?? undefined,
      })
      .catch((error: unknown) => {
        // The department was deleted since the request: no retry can help.
        if (error instanceof ApiError) throw new JobFailure(error.code, error.message);
        throw error;
      });
    const rendered = await this.render(scope, payload.format);
    let stored: StoredFile | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        stored = await this.documents.save(manager, payload.organizationId, {
          kind: 'attendance_report',
          bytes: rendered.bytes,
          fileName: rendered.fileName,
          contentType: rendered.contentType,
        });
        await this.audit.record(
          {
            action: 'attendance_report.generated',
            entityType: 'stored_file',
            entityId: stored.id,
            newValues: { job_id: jobId, format: payload.format, date_from: scope.from, date_to: scope.to },
            organizationId: payload.organizationId,
          },
          manager,
        );
        return {
          file_id: stored.id,
          file_name: rendered.fileName,
          content_type: rendered.contentType,
          bytes: rendered.bytes.length,
          download_url: `/api/v1/reports/files/${stored.id}`,
        };
      });
    } catch (error) {
      if (stored) await this.documents.discard(stored);
      throw error;
    }
  }

  /** A stored report file of the caller's organisation. */
  async download(caller: AuthUser, id: string): Promise<RenderedReport> {
    const { file, bytes } = await this.documents.read(caller.organizationId, 'attendance_report', id);
    return { fileName: file.fileName ?? `attendance-report-${file.id}`, contentType: file.contentType, bytes };
  }

  private async render(scope: ReportScope, format: ReportFormat): Promise<RenderedReport> {
    const report = await this.data.build(scope);
    const fileName = reportFileName(scope.from, scope.to, scope.departmentName, format);
    const contentType = REPORT_CONTENT_TYPES[format];
    switch (format) {
      case 'json':
        return { fileName, contentType, bytes: Buffer.from(JSON.stringify(report, null, 2)) };
      case 'csv':
        return { fileName, contentType, bytes: renderCsv(report) };
      case 'xlsx':
        return { fileName, contentType, bytes: await renderXlsx(report) };
      case 'pdf':
        return { fileName, contentType, bytes: await renderPdf(report) };
    }
  }
}
