import { StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import type { RenderedReport } from './attendance-report.dto.js';

/** Sends a report file as a download: its type, `attachment` with its name, never cached (it names people). */
export function reportDownload(response: Response, file: RenderedReport): StreamableFile {
  response.attachment(file.fileName);
  response.setHeader('Content-Type', file.contentType);
  response.setHeader('Cache-Control', 'private, no-store');
  return new StreamableFile(file.bytes, { length: file.bytes.length });
}
