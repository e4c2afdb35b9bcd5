import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC_DIR, serveStaticPage } from '../common/static-page.js';

export const KIOSK_DIR = join(PUBLIC_DIR, 'kiosk');

/**
 * The visitor desk page at `/kiosk`: static files (public/kiosk) that use only the public API and the socket. Its
 * policy is the dashboard's plus the camera's stream (getUserMedia) in a video element.
 */
export function serveKiosk(app: NestExpressApplication): void {
  serveStaticPage(app, '/kiosk', KIOSK_DIR, { mediaSrc: ["'self'", 'blob:', 'mediastream:'] });
}
