import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

/** The folder holding package.json (this file is src/live/ or dist/src/live/ below it). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const DASHBOARD_DIR = join(packageRoot(), 'public', 'dashboard');

/**
 * The dashboard page at `/dashboard`: static files (public/dashboard) that use only the public API and the
 * socket, like any client. Its own Content-Security-Policy allows nothing but its own scripts and styles, the
 * API and socket on the same origin, and thumbnails as blob URLs; no inline code.
 */
export function serveDashboard(app: NestExpressApplication): void {
  app.use(
    '/dashboard',
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.useStaticAssets(DASHBOARD_DIR, { prefix: '/dashboard', index: 'index.html', maxAge: 0 });
}
