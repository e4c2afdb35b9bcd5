import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bearer } from './support/api-client.js';
import { createPerson } from './support/people.js';
import { facePath } from './support/shared-data.js';
import { useTestApp } from './support/use-test-app.js';

const run = promisify(execFile);
const repository = resolve(import.meta.dirname, '..', '..');

interface Operation {
  operationId?: string;
  summary?: string;
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema?: { allOf?: { $ref?: string }[] } }> }>;
}

describe('the OpenAPI document as a contract', () => {
  const context = useTestApp();
  const documentOf = async () =>
    (await context.sut.http().get('/docs-json')).body as { paths: Record<string, Record<string, Operation>> };
  const operationsOf = async () =>
    Object.entries((await documentOf()).paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );

  it('passes redocly lint with the repository’s rules and no error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(await documentOf()));
    const cli = join(repository, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const lint = await run(process.execPath, [cli, 'lint', file, '--format=json'], {
      cwd: repository,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => error);
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number };
      problems: { ruleId: string; message: string; severity: string }[];
    };
    const errors = report.problems.filter((problem) => problem.severity === 'error');
    assert.deepEqual(
      errors.map((problem) => `${problem.ruleId}: ${problem.message}`),
      [],
    );
    assert.equal(report.totals.errors, 0);
  });

  it('spells every identifier one way (enrollment, license, organization): paths, ids, names, fields, enums', async () => {
    const identifiers = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (key === 'description' || key === 'summary' || key === 'example' || key === 'examples') continue;
        identifiers.add(key);
        if (key === 'enum' && Array.isArray(value)) value.forEach((item) => identifiers.add(String(item)));
        if ((key === 'operationId' || key === 'name' || key === '$ref') && typeof value === 'string') {
          identifiers.add(value);
        }
        walk(value);
      }
    };
    walk(await documentOf());
    const british = [...identifiers].filter((identifier) => /enro[l](?!l)|licen[c]e|organis/i.test(identifier));
    assert.deepEqual(british, []);
    // The walk sees what it should: the enrollment operation and its error codes.
    assert.ok(identifiers.has('enrollFaces') && identifiers.has('enrollment_failed'));
  });

  it('gives every operation a summary, an id and a security declaration, health probes included', async () => {
    const operations = await operationsOf();
    assert.ok(operations.some(({ name }) => name === 'GET /readyz'));
    const missing = operations.filter(
      ({ operation }) => !operation.summary || !operation.operationId || !Array.isArray(operation.security),
    );
    assert.deepEqual(
      missing.map(({ name }) => name),
      [],
    );
  });

  it('types every error response with the one error shape', async () => {
    const untyped = (await operationsOf()).flatMap(({ name, operation }) =>
      Object.entries(operation.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, response]) => {
          const schema = response.content?.['application/json']?.schema;
          return !schema?.allOf?.some((part) => part.$ref === '#/components/schemas/ErrorResponse');
        })
        .map(([status]) => `${name} ${status}`),
    );
    assert.deepEqual(untyped, []);
  });

  it('declares 401 and 403 on protected operations and 404 on operations with a path id', async () => {
    const { paths } = await documentOf();
    const getUser = paths['/api/v1/users/{id}'].get;
    for (const status of ['401', '403', '404']) assert.ok(getUser.responses[status], `getUser ${status}`);
    assert.deepEqual(paths['/api/v1/auth/login'].post.security, []);
    const codes = (operation: Operation, status: string) =>
      (
        operation.responses[status].content!['application/json'].schema!.allOf![1] as {
          properties: { error: { enum: string[] } };
        }
      ).properties.error.enum;
    assert.ok(codes(paths['/api/v1/auth/login'].post, '401').includes('invalid_credentials'));
    assert.ok(codes(getUser, '401').includes('token_expired'));
    assert.deepEqual(codes(getUser, '404'), ['not_found']);
  });

  it('describes every file field of a multipart body, image_b of verify included', async () => {
    const { paths } = await documentOf();
    const form = (path: string) =>
      (
        paths[path].post.requestBody as {
          content: { 'multipart/form-data': { schema: { properties: Record<string, { format?: string }> } } };
        }
      ).content['multipart/form-data'].schema.properties;
    assert.equal(form('/api/v1/recognition/verify').image_b?.format, 'binary');
    assert.equal(form('/api/v1/recognition/verify').image_a?.format, 'binary');
    assert.equal(form('/api/v1/employees/{employeeId}/faces').left?.format, 'binary');
  });

  it('ignores the empty parts a form sends for the angles not chosen, as Swagger UI does', async () => {
    const { sut, superAdmin } = context;
    const personId = await createPerson(sut, superAdmin, 'Empty Parts');
    const response = await sut
      .http()
      .post(`/api/v1/employees/${personId}/faces?wait=true`)
      .set(bearer(superAdmin))
      .attach('front', readFileSync(facePath('knn', 'test', 'obama1.jpg')), 'front.jpg')
      .field('left', '')
      .field('right', '')
      .field('images', '');
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.accepted.length, 1);
  });

  it('refuses a detector threshold so low that noise would be listed as faces', async () => {
    const { sut, superAdmin } = context;
    const detect = (minConfidence: string) =>
      sut
        .http()
        .post('/api/v1/recognition/detect')
        .set(bearer(superAdmin))
        .attach('image', readFileSync(facePath('knn', 'test', 'obama1.jpg')), 'obama.jpg')
        .field('min_confidence', minConfidence);
    const zero = await detect('0');
    assert.equal(zero.status, 400);
    assert.equal(zero.body.details[0].field, 'min_confidence');
    const floor = await detect('0.5');
    assert.equal(floor.status, 200);
    assert.ok(floor.body.faces.length < 5, `${floor.body.faces.length} faces at the floor for a one-face photo`);
  });
});
