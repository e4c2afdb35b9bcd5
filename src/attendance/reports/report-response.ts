import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { RenderedReport } from './attendance-report.dto.js';

/**
 * Sends a report file as a download: its type, `attachment` with its name (report names are ASCII letters, digits, `-`
 * and `.`, see reportFileName, so quoting is enough), never cached (it names people).
 */
export function reportDownload(response: Response, file: RenderedReport): StreamableFile {
  const name = file.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
  response.setHeader('Content-Type', file.contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
  response.setHeader('Cache-Control', 'private, no-store');
  return new StreamableFile(file.bytes, { length: file.bytes.length });
}
