import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC_DIR, serveStaticPage } from '../common/static-page.js';

export const DASHBOARD_DIR = join(PUBLIC_DIR, 'dashboard');

/**
 * The dashboard page at `/dashboard`: static files (public/dashboard) that use only the public API and the
 * socket, like any client, under a policy that allows only its own scripts (see serveStaticPage).
 */
export function serveDashboard(app: NestExpressApplication): void {
  serveStaticPage(app, '/dashboard', DASHBOARD_DIR);
}
