// Writes clients/typescript/schema.d.ts from the built service's OpenAPI document.
// Usage: npm run client:generate (builds first). Starts the service on an empty embedded database in a temporary
// directory, reads /docs-json, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { clientTypes } from './client-types.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const out = join(root, 'clients', 'typescript');

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'facegate-openapi-'));
const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMIN_PASSWORD: 'Openapi-Export-1' };
delete env.DATABASE_URL;
const service = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], { env, stdio: 'ignore' });
try {
  let document;
  for (let attempt = 0; attempt < 120 && !document; attempt++) {
    await new Promise((done) => setTimeout(done, 500));
    document = await globalThis
      .fetch(`http://127.0.0.1:${port}/docs-json`)
      .then((response) => (response.ok ? response.json() : undefined))
      .catch(() => undefined);
  }
  if (!document) throw new Error('The service did not serve /docs-json within 60 s');
  writeFileSync(join(out, 'schema.d.ts'), await clientTypes(document));
  console.log(`wrote ${join(out, 'schema.d.ts')}`);
} finally {
  service.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
