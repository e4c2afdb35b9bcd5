import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

/** The folder holding package.json (this file is src/common/ or dist/src/common/ below it). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Static pages the backend serves for people (`public/<page>`). */
export const PUBLIC_DIR = join(packageRoot(), 'public');

/**
 * Serves a page's static files at `path` under its own Content-Security-Policy: nothing but its own scripts and
 * styles, the API and socket on the same origin, images as blob URLs (photos are fetched with the token), no inline
 * code; `mediaSrc` for a page that shows the camera.
 */
export function serveStaticPage(
  app: NestExpressApplication,
  path: string,
  dir: string,
  options: { mediaSrc?: string[] } = {},
): void {
  app.use(
    path,
    helmet.contentSecurityPolicy({
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        ...(options.mediaSrc ? { mediaSrc: options.mediaSrc } : {}),
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.useStaticAssets(dir, { prefix: path, index: 'index.html', maxAge: 0 });
}
