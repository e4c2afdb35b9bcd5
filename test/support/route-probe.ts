import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Response, Test } from 'supertest';
import { bearer, type Session } from './api-client.js';
import { badUploads } from './bad-uploads.js';
import { facePath } from './shared-data.js';
import type { TestApp } from './test-app.js';

/**
 * Sends bad input to every operation of the OpenAPI document the app serves, as an admin and without a token:
 * JSON nested 2,000 deep, NUL in each string property and query parameter, SQL and script strings in each of them,
 * `__proto__` keys, numbers and dates outside what PostgreSQL holds, ids that are not UUIDs, bodies of the wrong
 * content type, and the bad-upload corpus on every image field; and every operation once with each of the given bad
 * tokens (expired, forged, `alg: none`). Used by the route-probe e2e test (which asserts the answers) and the
 * route-probe bench (which prints the slowest).
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  required?: string[];
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export interface ProbeResult {
  method: string;
  /** The path template, e.g. `/api/v1/users/{id}`. */
  route: string;
  case: string;
  /** Who sent it: the admin, nobody, or a bad token's name (`expired token`, …). */
  as: string;
  /** A case whose input may be valid data (a search for `' OR '1'='1`): a success is no failure. */
  mayAnswer: boolean;
  status: number;
  ms: number;
  body: unknown;
  contentType: string;
  requestId: string | undefined;
}

interface ProbeCase {
  name: string;
  /** Builds the request on a fresh supertest agent, with the path params filled in. */
  send: (http: ReturnType<TestApp['http']>, path: string) => Test;
  /** The last path parameter is this (e.g. `%00`) instead of an id. */
  lastPathParameter?: string;
  /** The input may be valid data (hostile strings are just text): a 2xx answer is allowed. */
  mayAnswer?: boolean;
}

/** Strings that would do harm where text reached SQL, HTML or a template unescaped. */
export const HOSTILE_STRINGS: [label: string, value: string][] = [
  ['SQL quote', "' OR '1'='1' --"],
  ['SQL statement', 'x"; DROP TABLE users; --'],
  ['script tag', '<script>alert(1)</script>'],
  ['template', '{{7*7}}${7*7}'],
  ['path traversal', '../../../../etc/passwd'],
];

/** Path ids that are not UUIDs. */
const NOT_IDS: [label: string, value: string][] = [
  ['NUL in path parameter', '%00'],
  ['path parameter not a UUID', 'not-a-uuid'],
  ['SQL in path parameter', encodeURIComponent("1' OR '1'='1")],
];

const FAR_DATES = ['-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z'];
const DEEP_JSON = `{"a":${'['.repeat(2000)}${']'.repeat(2000)}}`;
const HUGE_NUMBER = 1e20;

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(document, document.components.schemas[schema.$ref.split('/').at(-1)!]);
  if (schema.allOf?.length === 1 && !schema.properties) return { ...resolve(document, schema.allOf[0]), ...schema };
  return schema;
}

/** Every leaf property of a JSON body, one level of nested objects deep, as [path, schema]. */
function leaves(document: OpenApiDocument, schema: Schema, prefix: string[] = []): [string[], Schema][] {
  return Object.entries(resolve(document, schema).properties ?? {}).flatMap(([name, raw]) => {
    const property = resolve(document, raw);
    if (property.properties && prefix.length === 0) return leaves(document, property, [name]);
    return [[[...prefix, name], property]];
  });
}

/** `{ a: { b: value } }` for the path `['a', 'b']`. */
function nest(path: string[], value: unknown): unknown {
  return path.reduceRight((inner, key) => ({ [key]: inner }), value);
}

function isDate(schema: Schema): boolean {
  return schema.format === 'date' || schema.format === 'date-time';
}

function jsonCases(document: OpenApiDocument, body: Schema): ProbeCase[] {
  const post = (name: string, payload: string): ProbeCase => ({
    name,
    send: (http, path) => http.post(path).set('Content-Type', 'application/json').send(payload),
  });
  const typed = (name: string, type: string, payload: string): ProbeCase => ({
    name,
    send: (http, path) => http.post(path).set('Content-Type', type).send(payload),
  });
  const cases = [
    post('deep JSON body', DEEP_JSON),
    post('__proto__ key', '{"__proto__":{"is_admin":true}}'),
    post('JSON cut short', '{"name": "a'),
    typed('text/plain body', 'text/plain', '{"name":"a"}'),
    typed('XML body', 'application/xml', '<name>a</name>'),
  ];
  for (const [path, property] of leaves(document, body)) {
    const field = path.join('.');
    if (property.type === 'string') {
      cases.push(post(`NUL in ${field}`, JSON.stringify(nest(path, 'a\u0000b'))));
      for (const [label, value] of HOSTILE_STRINGS) {
        cases.push({ ...post(`${label} in ${field}`, JSON.stringify(nest(path, value))), mayAnswer: true });
      }
    }
    if (property.type === 'integer' || property.type === 'number') {
      cases.push(post(`${field}=1e20`, JSON.stringify(nest(path, HUGE_NUMBER))));
    }
    if (isDate(property)) {
      for (const date of FAR_DATES) cases.push(post(`${field}=${date}`, JSON.stringify(nest(path, date))));
    }
  }
  return cases;
}

function multipartCases(body: Schema, query: string): ProbeCase[] {
  const properties = Object.entries(body.properties ?? {});
  const files = properties.filter(([, schema]) => schema.format === 'binary').map(([name]) => name);
  const required = (body.required ?? []).filter((name) => files.includes(name));
  const goodPhoto = readFileSync(facePath('knn', 'test', 'obama1.jpg'));
  /** A multipart request with `build`'s fields and files, plus a good photo in each required file not sent. */
  const upload = (name: string, build: (request: Test) => Test, sent: string[] = []): ProbeCase => ({
    name,
    send: (http, path) => {
      let request = build(http.post(`${path}${query}`));
      for (const field of required.filter((file) => !sent.includes(file))) {
        request = request.attach(field, goodPhoto, `${field}.jpg`);
      }
      return request;
    },
  });
  const cases: ProbeCase[] = [];
  for (const field of files) {
    for (const bad of badUploads()) {
      cases.push(
        upload(`${bad.name} as ${field}`, (request) => request.attach(field, bad.bytes, bad.filename), [field]),
      );
    }
  }
  for (const [name, schema] of properties) {
    if (schema.format === 'binary') continue;
    cases.push(upload(`NUL in multipart ${name}`, (request) => request.field(name, 'a\u0000b')));
    if (schema.type === 'integer' || schema.type === 'number') {
      cases.push(upload(`multipart ${name}=1e20`, (request) => request.field(name, '1e20')));
    }
  }
  cases.push(upload('multipart __proto__ field', (request) => request.field('__proto__[x]', '1')));
  cases.push({
    name: 'JSON instead of multipart',
    send: (http, path) => http.post(`${path}${query}`).set('Content-Type', 'application/json').send('{"image":"x"}'),
  });
  cases.push({
    name: 'multipart without a boundary',
    send: (http, path) => http.post(`${path}${query}`).set('Content-Type', 'multipart/form-data').send('--x--'),
  });
  cases.push(upload('multipart field nested 2,000 deep', (request) => request.field(`a${'[b]'.repeat(2000)}`, '1')));
  return cases;
}

function queryCases(parameters: Parameter[]): ProbeCase[] {
  const get = (name: string, query: string): ProbeCase => ({
    name,
    send: (http, path) => http.get(`${path}?${query}`),
  });
  const query = parameters.filter((p) => p.in === 'query');
  const cases = [get('__proto__ in query', '__proto__=1')];
  // Express's simple query parser keeps `a[b][b]…` a flat name: refused as unknown where a DTO reads the query.
  if (query.length > 0) cases.push(get('query nested by brackets', `a${'[b]'.repeat(50)}=1`));
  for (const parameter of query) {
    const name = encodeURIComponent(parameter.name);
    cases.push(get(`NUL in query ${parameter.name}`, `${name}=a%00b`));
    if (parameter.schema?.type === 'string' && !parameter.schema.format) {
      for (const [label, value] of HOSTILE_STRINGS) {
        cases.push({
          ...get(`${label} in query ${parameter.name}`, `${name}=${encodeURIComponent(value)}`),
          mayAnswer: true,
        });
      }
    }
    if (parameter.schema?.type === 'integer' || parameter.schema?.type === 'number') {
      cases.push(get(`${parameter.name}=1e20`, `${name}=1e20`));
    }
    if (parameter.schema && isDate(parameter.schema)) {
      for (const date of FAR_DATES) cases.push(get(`${parameter.name}=${date}`, `${name}=${encodeURIComponent(date)}`));
    }
  }
  return cases;
}

/** The cases of one operation; `method` decides how JSON cases are sent (POST cases are re-aimed at PATCH, …). */
function casesFor(document: OpenApiDocument, method: string, operation: Operation): ProbeCase[] {
  const parameters = operation.parameters ?? [];
  const content = operation.requestBody?.content ?? {};
  // Uploads that name a `wait` option are answered with their result rather than a background job.
  const query = parameters.some((p) => p.name === 'wait' && p.in === 'query') ? '?wait=true' : '';
  const cases: ProbeCase[] = [];
  if (method === 'get' || method === 'delete') cases.push(...queryCases(parameters));
  if (content['multipart/form-data']) cases.push(...multipartCases(content['multipart/form-data'].schema, query));
  else if (method !== 'get') cases.push(...jsonCases(document, content['application/json']?.schema ?? {}));
  const withMethod = (probe: ProbeCase): ProbeCase => ({
    ...probe,
    send: (http, path) => {
      const request = probe.send(http, path);
      request.method = method.toUpperCase();
      return request;
    },
  });
  // The last path parameter: an id (uuid) refuses anything else; free text (an ID number) may be looked up.
  const last = parameters.filter((p) => p.in === 'path').at(-1);
  const badIds: ProbeCase[] = last
    ? NOT_IDS.map(([name, value]) => ({
        name,
        send: (http, path) => http.get(path),
        lastPathParameter: value,
        mayAnswer: last.schema?.format !== 'uuid',
      }))
    : [];
  return [...cases.map(withMethod), ...badIds.map(withMethod)];
}

/** Requests outside the document: unknown paths, traversal, broken percent-encoding, other methods. */
const EXTRA_REQUESTS: [string, string][] = [
  ['GET', '/nope'],
  ['GET', '/docs/../x'],
  ['GET', '/api/v1/users/%E0%A4%A'],
  ['GET', '/%E0%A4%A'],
  ['PROPFIND', '/api/v1/users'],
  ['DELETE', '/healthz'],
  ['POST', '/readyz'],
];

async function timed(request: Test): Promise<{ response: Response; ms: number }> {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
}

/**
 * Runs every case of every operation as the admin and without a token, and each operation once more with each of
 * `badTokens` (name → bearer token). Path params are random UUIDs, except those named in `ids` (e.g. `{ employeeId }`
 * of a real person, so that enrollment uploads reach the decoder).
 */
export async function probeRoutes(
  app: TestApp,
  admin: Session,
  ids: Record<string, string> = {},
  badTokens: Record<string, string> = {},
): Promise<ProbeResult[]> {
  const document = (await app.http().get('/docs-json')).body as OpenApiDocument;
  const results: ProbeResult[] = [];
  const record = (
    method: string,
    route: string,
    probe: Pick<ProbeCase, 'name' | 'mayAnswer'>,
    as: string,
    run: Awaited<ReturnType<typeof timed>>,
  ) =>
    results.push({
      method,
      route,
      case: probe.name,
      as,
      mayAnswer: probe.mayAnswer ?? false,
      status: run.response.status,
      ms: run.ms,
      body: run.response.body,
      contentType: String(run.response.headers['content-type'] ?? ''),
      requestId: run.response.headers['x-request-id'],
    });
  const pathOf = (route: string, lastPathParameter?: string) => {
    const names = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    return route.replace(/\{([^}]+)\}/g, (_match, name: string) =>
      lastPathParameter && name === names.at(-1) ? lastPathParameter : (ids[name] ?? randomUUID()),
    );
  };
  for (const [route, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      for (const probe of casesFor(document, method, operation)) {
        for (const as of ['admin', 'anonymous'] as const) {
          const request = probe.send(app.http(), pathOf(route, probe.lastPathParameter));
          record(
            method.toUpperCase(),
            route,
            probe,
            as,
            await timed(as === 'admin' ? request.set(bearer(admin)) : request),
          );
        }
      }
      for (const [name, token] of Object.entries(badTokens)) {
        const request = app.http().get(pathOf(route)).set('Authorization', `Bearer ${token}`);
        request.method = method.toUpperCase();
        record(method.toUpperCase(), route, { name: 'bad token' }, name, await timed(request));
      }
    }
  }
  for (const [method, path] of EXTRA_REQUESTS) {
    const request = app.http().get(path);
    request.method = method;
    record(method, path, { name: 'outside the document' }, 'anonymous', await timed(request));
  }
  return results;
}

/** What is wrong with one answer: a 5xx, or an error not in the `{ error, message, trace_id }` shape. */
export function problemWith(result: ProbeResult): string | null {
  if (result.status >= 500) return `answered ${result.status}`;
  if (result.status < 400) return null;
  const body = result.body as Record<string, unknown> | undefined;
  if (!/application\/json/.test(result.contentType)) return `error answered as ${result.contentType || 'no body'}`;
  if (typeof body?.error !== 'string' || !/^[a-z_]+$/.test(body.error)) return 'error without a stable code';
  if (typeof body.message !== 'string') return 'error without a message';
  if (typeof body.trace_id !== 'string' || body.trace_id !== result.requestId) return 'error without its trace_id';
  return null;
}

export const describeResult = (result: ProbeResult) =>
  `${result.method} ${result.route} [${result.case}, ${result.as}] → ${result.status} ${JSON.stringify(result.body)}`;
