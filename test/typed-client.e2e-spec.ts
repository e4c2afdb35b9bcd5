import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createFaceGateClient, formData } from '../clients/typescript/index.js';
import { ADMIN_PASSWORD } from './support/test-app.js';
import { facePath, repoRoot } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

describe('the typed client in clients/typescript', () => {
  const context = useTestApp();

  it('is generated from the document the service serves (npm run client:generate when this fails)', async () => {
    const document = (await context.sut.http().get('/docs-json')).body as object;
    const generator = pathToFileURL(join(repoRoot, 'scripts', 'openapi', 'client-types.mjs')).href;
    const { clientTypes } = (await import(generator)) as { clientTypes: (document: object) => Promise<string> };
    const committed = readFileSync(join(repoRoot, 'clients', 'typescript', 'schema.d.ts'), 'utf8');
    assert.ok(committed === (await clientTypes(document)), 'clients/typescript/schema.d.ts is stale');
  });

  it('logs in, lists people, enrolls a photo and reads a typed error, as the docs example does', async () => {
    const session: { token?: string } = {};
    const api = createFaceGateClient({ baseUrl: await context.sut.app.getUrl(), accessToken: () => session.token });

    const login = await api.POST('/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    assert.ok(login.data, JSON.stringify(login.error));
    session.token = login.data.access_token;

    const created = await api.POST('/api/v1/employees', { body: { first_name: 'Typed', last_name: 'Client' } });
    assert.ok(created.data, JSON.stringify(created.error));
    const people = await api.GET('/api/v1/employees', { params: { query: { search: 'Typed', page_size: 10 } } });
    assert.ok(people.data);
    assert.deepEqual(
      people.data.results.map((person) => person.id),
      [created.data.id],
    );

    const photo = new Blob([readFileSync(facePath('knn', 'test', 'obama1.jpg'))], { type: 'image/jpeg' });
    const enrolled = await api.POST('/api/v1/employees/{employeeId}/faces', {
      params: { path: { employeeId: created.data.id }, query: { wait: true } },
      body: { front: photo },
      bodySerializer: formData,
    });
    assert.equal(enrolled.response.status, 201, JSON.stringify(enrolled.error));

    const missing = await api.GET('/api/v1/employees/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    assert.equal(missing.response.status, 404);
    // The error is typed: `error` is the union of the codes this route can answer.
    const code: 'not_found' | undefined = missing.error?.error === 'not_found' ? missing.error.error : undefined;
    assert.equal(code, 'not_found');
    assert.equal(typeof missing.error?.trace_id, 'string');
  });
});
