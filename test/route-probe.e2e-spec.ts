import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loginAsAdmin } from './support/api-client.js';
import { createPerson } from './support/people.js';
import { describeResult, probeRoutes, problemWith, type ProbeResult } from './support/route-probe.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('route probe', () => {
  let sut: TestApp;
  let results: ProbeResult[];

  before(async () => {
    sut = await startTestApp();
    const admin = await loginAsAdmin(sut);
    results = await probeRoutes(sut, admin, { employeeId: await createPerson(sut, admin, 'Probe') });
  });
  after(() => sut.close());

  it('sends bad input to every documented operation, as an admin and without a token', () => {
    const routes = new Set(results.map((result) => `${result.method} ${result.route}`));
    assert.ok(routes.size >= 50, `only ${routes.size} operations probed`);
    for (const as of ['admin', 'anonymous']) assert.ok(results.some((result) => result.as === as));
    for (const name of ['deep JSON body', '__proto__ key', 'NUL in query search', 'page=1e20', '1 x 39,000,000 PNG']) {
      assert.ok(
        results.some((result) => result.case.startsWith(name)),
        `case ${name} was sent`,
      );
    }
  });

  it('answers no bad input with a 5xx, and every error in the { error, message, trace_id } shape', () => {
    const problems = results.flatMap((result) => {
      const problem = problemWith(result);
      return problem ? [`${problem}: ${describeResult(result)}`] : [];
    });
    assert.deepEqual(problems, []);
  });

  it('declares in the OpenAPI document every error status and code it answers', async () => {
    type Responses = Record<string, { content?: { 'application/json'?: { schema?: { allOf?: unknown[] } } } }>;
    const document = (await sut.http().get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Responses }>>;
    };
    const undeclared = new Set<string>();
    for (const result of results.filter((each) => each.status >= 400 && each.case !== 'outside the document')) {
      const responses = document.paths[result.route][result.method.toLowerCase()].responses;
      const declared = responses[String(result.status)]?.content?.['application/json']?.schema?.allOf?.[1] as
        { properties: { error: { enum: string[] } } } | undefined;
      const code = (result.body as { error: string }).error;
      if (!declared?.properties.error.enum.includes(code)) {
        undeclared.add(`${result.method} ${result.route} ${result.status} ${code}`);
      }
    }
    assert.deepEqual([...undeclared].sort(), []);
  });

  it('refuses the bad input it sends as the admin (nothing slips through as a success)', () => {
    const accepted = results.filter((result) => result.as === 'admin' && result.status < 400);
    assert.deepEqual(accepted.map(describeResult), []);
  });
});
