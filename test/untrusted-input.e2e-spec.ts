import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MAX_INPUT_DEPTH } from '../src/common/untrusted-input.js';
import { bearer, type Session } from './support/api-client.js';
import { expectError } from './support/api-calls.js';
import { createPerson } from './support/people.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('untrusted input', () => {
  const context = useTestApp();

  const json = (method: 'post' | 'patch', path: string, body: string, session?: Session) => {
    const request = context.sut.http()[method](`/api/v1${path}`).set('Content-Type', 'application/json');
    return (session ? request.set(bearer(session)) : request).send(body);
  };
  const get = (path: string) => context.sut.http().get(`/api/v1${path}`).set(bearer(context.superAdmin));

  it('refuses JSON nested 2,000 deep with 400 too_deeply_nested, also on public routes', async () => {
    const login = await json('post', '/auth/login', `{"username":${nestedArrays(2000)},"password":"x"}`);
    expectError(login, 400, 'too_deeply_nested', 'login');
    assert.equal(login.body.details.max_depth, MAX_INPUT_DEPTH);
    const location = await json('post', '/locations', `{"name":"x","area":${nestedObjects(2000)}}`, context.superAdmin);
    expectError(location, 400, 'too_deeply_nested', 'locations');
    const array = await json('post', '/auth/refresh', nestedArrays(2000));
    expectError(array, 400, 'too_deeply_nested', 'top-level array');
  });

  it('accepts nesting up to the limit in free-form metadata', async () => {
    const metadata = JSON.parse(nestedObjects(MAX_INPUT_DEPTH - 1)) as object;
    const created = await context.sut
      .http()
      .post('/api/v1/employees')
      .set(bearer(context.superAdmin))
      .send({ first_name: 'Deep', metadata });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const tooDeep = JSON.parse(nestedObjects(MAX_INPUT_DEPTH)) as object;
    const refused = await context.sut
      .http()
      .post('/api/v1/employees')
      .set(bearer(context.superAdmin))
      .send({ first_name: 'Deeper', metadata: tooDeep });
    expectError(refused, 400, 'too_deeply_nested');
  });

  it('refuses nesting past the limit in multipart field names', async () => {
    const detect = (name: string) =>
      context.sut
        .http()
        .post('/api/v1/recognition/detect')
        .set(bearer(context.superAdmin))
        .field(name, '1')
        .attach('image', Buffer.from('not read'), 'a.jpg');
    // Nest's upload interceptor refuses names nested more than 32 brackets deep; at 32 the body is 34 deep.
    expectError(await detect(`a${'[b]'.repeat(32)}`), 400, 'too_deeply_nested');
    expectError(await detect(`a${'[b]'.repeat(2000)}`), 400, 'bad_request');
  });

  it('refuses NUL characters in queries, JSON, form and multipart fields, naming the field', async () => {
    assert.deepEqual(expectError(await get('/users?search=%00'), 400, 'validation_error', 'query'), ['search']);
    assert.deepEqual(
      expectError(await get('/employees?search=a%00b&kind=employee'), 400, 'validation_error', 'query'),
      ['search'],
    );
    const login = await context.sut.http().post('/api/v1/auth/login').send({ username: 'ad\u0000min', password: 'x' });
    assert.deepEqual(expectError(login, 400, 'validation_error', 'login'), ['username']);
    const form = await context.sut.http().post('/api/v1/auth/login').type('form').send('username=a%00&password=b');
    assert.deepEqual(expectError(form, 400, 'validation_error', 'form'), ['username']);
    const nested = await context.sut
      .http()
      .post('/api/v1/employees')
      .set(bearer(context.superAdmin))
      .send({ first_name: 'Nul', emergency_contact: { name: 'x\u0000', phone: '+15550109999' } });
    assert.deepEqual(expectError(nested, 400, 'validation_error', 'nested'), ['emergency_contact.name']);
    const multipart = await context.sut
      .http()
      .post('/api/v1/recognition/identify')
      .set(bearer(context.superAdmin))
      .field('kind', 'employee\u0000')
      .attach('image', Buffer.from('not read'), 'a.jpg');
    assert.deepEqual(expectError(multipart, 400, 'validation_error', 'multipart'), ['kind']);
    const param = await context.sut.http().get('/api/v1/users/%00').set(bearer(context.superAdmin));
    assert.deepEqual(expectError(param, 400, 'validation_error', 'param'), ['id']);
  });

  it('refuses __proto__, constructor and prototype keys in JSON, queries and multipart fields', async () => {
    const top = await json('post', '/locations', '{"name":"x","__proto__":{"is_admin":true}}', context.superAdmin);
    assert.deepEqual(expectError(top, 400, 'validation_error', 'top'), ['__proto__']);
    const person = await createPerson(context.sut, context.superAdmin, 'Proto');
    const deep = await json(
      'patch',
      `/employees/${person}`,
      '{"metadata":{"constructor":{"prototype":{}}}}',
      context.superAdmin,
    );
    assert.deepEqual(expectError(deep, 400, 'validation_error', 'metadata'), [
      'metadata.constructor',
      'metadata.constructor.prototype',
    ]);
    assert.deepEqual(expectError(await get('/users?__proto__=1'), 400, 'validation_error', 'query'), ['__proto__']);
    const multipart = await context.sut
      .http()
      .post('/api/v1/recognition/detect')
      .set(bearer(context.superAdmin))
      .field('__proto__[min_confidence]', '0.1')
      .attach('image', Buffer.from('not read'), 'a.jpg');
    assert.deepEqual(expectError(multipart, 400, 'validation_error', 'multipart'), ['__proto__']);
    const login = await json('post', '/auth/login', '{"username":"context.superAdmin","password":"x","constructor":1}');
    assert.deepEqual(expectError(login, 400, 'validation_error', 'login'), ['constructor']);
  });

  it('refuses page numbers past the last page a list serves', async () => {
    assert.deepEqual(expectError(await get('/users?page=1e20'), 400, 'validation_error'), ['page']);
    assert.deepEqual(expectError(await get('/audit-logs?page=10001'), 400, 'validation_error'), ['page']);
    assert.equal((await get('/audit-logs?page=10000')).status, 200);
  });

  it('refuses dates outside the years 1900-9999 in every date field', async () => {
    const auditFrom = await get('/audit-logs?date_from=-271821-04-20T00:00:00Z');
    assert.deepEqual(expectError(auditFrom, 400, 'validation_error'), ['date_from']);
    const auditTo = await get('/audit-logs?date_to=%2B275760-09-13T00:00:00Z');
    assert.deepEqual(expectError(auditTo, 400, 'validation_error'), ['date_to']);
    assert.equal((await get('/audit-logs?date_from=1900-01-01&date_to=9999-12-31')).status, 200);
    const employee = await context.sut
      .http()
      .post('/api/v1/employees')
      .set(bearer(context.superAdmin))
      .send({ first_name: 'Old', date_of_birth: '1899-12-31', joining_date: '0001-01-01' });
    assert.deepEqual(expectError(employee, 400, 'validation_error'), ['date_of_birth', 'joining_date']);
  });
});

describe('answers outside the API', () => {
  let sut: TestApp;

  before(async () => {
    sut = await startTestApp();
  });
  after(() => sut.close());

  /** Sends raw bytes (paths and request lines supertest would normalise or refuse to send). */
  async function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
    const address = sut.app.getHttpServer().address() as { port: number };
    const socket = connect(address.port, '127.0.0.1');
    socket.end(request);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const [head, body] = text.split('\r\n\r\n', 2);
    return { status: Number(head.split(' ')[1]), headers: head, body };
  }

  function assertErrorShape(response: { status: number; headers: string; body: string }, status: number) {
    assert.equal(response.status, status, response.headers);
    assert.match(response.headers, /content-type: application\/json/i);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    assert.equal(typeof body.error, 'string');
    assert.equal(typeof body.message, 'string');
    assert.equal(typeof body.trace_id, 'string');
  }

  const get = (path: string) => raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);

  it('answers unknown paths, methods and broken URLs in the error shape, not HTML', async () => {
    assertErrorShape(await get('/nope'), 404);
    assertErrorShape(await get('/docs/../x'), 404);
    assertErrorShape(await get('/api/v1/users/%E0%A4%A'), 400);
    assertErrorShape(await get('/%E0%A4%A'), 404);
    assertErrorShape(await raw('PROPFIND /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 404);
    assertErrorShape(await raw('DELETE /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'), 404);
    const badJson = await sut.http().post('/nope').set('Content-Type', 'application/json').send('{"a":');
    assert.equal(badJson.status, 400);
    assert.equal(badJson.body.error, 'invalid_json');
  });

  it('answers requests the HTTP parser refuses in the error shape', async () => {
    assertErrorShape(await raw('BREW /coffee HTTP/1.1\r\nHost: localhost\r\n\r\n'), 400);
    assertErrorShape(await raw('GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n'), 431);
  });

  it('still serves Swagger UI, the OpenAPI document and the health checks', async () => {
    assert.equal((await sut.http().get('/docs/')).status, 200);
    assert.equal((await sut.http().get('/docs')).status < 400, true);
    assert.ok((await sut.http().get('/docs-json')).body.paths);
    assert.deepEqual((await sut.http().get('/healthz')).body, { status: 'ok' });
    assert.equal((await sut.http().get('/readyz')).status, 200);
  });
});
