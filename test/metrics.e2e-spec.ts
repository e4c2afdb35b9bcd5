import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { createEnrolledPerson, identify, photosOf } from './support/people.js';
import { skipWithoutPhotos } from './support/shared-data.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { useTestApp } from './support/use-test-app.js';

/** The value of one sample of the Prometheus text, e.g. sample(text, 'x_total', { outcome: 'matched' }); 0 if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[4]);
  }
  return 0;
}

describe('GET /metrics', { skip: skipWithoutPhotos }, () => {
  const context = useTestApp();
  let admin: Session;

  const scrape = async () => {
    const response = await context.sut.http().get('/metrics');
    assert.equal(response.status, 200, response.text);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  before(async () => {
    admin = (await createOrganizationWithAdmin(context.sut, context.superAdmin)).admin;
  });

  it('counts an identify: stage timings, faces matched and unknown, the HTTP request by route template', async () => {
    await createEnrolledPerson(context.sut, admin, photosOf('knn', 'train', 'biden').slice(0, 2));
    const before = await scrape();
    const response = await identify(context.sut, admin, ['knn', 'test', 'obama_and_biden.jpg']);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as { faces_recognized: number; faces_detected: number };
    assert.ok(body.faces_recognized >= 1 && body.faces_detected > body.faces_recognized, JSON.stringify(body));
    const text = await scrape();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(text, name, labels) - sample(before, name, labels);
    assert.equal(moved('facegate_faces_processed_total', { outcome: 'matched' }), body.faces_recognized);
    assert.equal(
      moved('facegate_faces_processed_total', { outcome: 'unknown' }),
      body.faces_detected - body.faces_recognized,
    );
    for (const stage of ['decode', 'detect', 'quality', 'liveness', 'embed']) {
      if (stage === 'liveness' && sample(text, 'facegate_recognition_stage_duration_seconds_count', { stage }) === 0) {
        continue; // liveness runs only with the MiniFASNet models in MODELS_DIR
      }
      assert.equal(moved('facegate_recognition_stage_duration_seconds_count', { stage }), 1, stage);
      assert.ok(sample(text, 'facegate_recognition_stage_duration_seconds_sum', { stage }) > 0, stage);
    }
    const identifyRequests = {
      method: 'POST',
      route: '/api/v1/recognition/identify',
      status: '200',
    };
    assert.equal(moved('facegate_http_request_duration_seconds_count', identifyRequests), 1);
    assert.ok(sample(text, 'facegate_enrollments_total', { outcome: 'ok' }) >= 1);
    assert.ok(sample(text, 'facegate_gallery_templates', { gallery: 'employees' }) >= 2);
    assert.ok(sample(text, 'process_cpu_user_seconds_total') > 0);
    assert.ok(text.includes('facegate_jobs{status="completed"}'));
    assert.ok(text.includes('facegate_live_clients 0'));
  });

  it('counts list pages by where they came from: the database once, then the cache', async () => {
    const { admin: lister } = await createOrganizationWithAdmin(context.sut, context.superAdmin);
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      const response = await context.sut
        .http()
        .get('/api/v1/employees')
        .set({ Authorization: `Bearer ${lister.access_token}` });
      assert.equal(response.status, 200);
    }
    const text = await scrape();
    const moved = (source: string) =>
      sample(text, 'facegate_list_pages_total', { source }) - sample(before, 'facegate_list_pages_total', { source });
    assert.deepEqual([moved('database'), moved('cache')], [1, 2]);
  });

  it('labels a request by its route template, never by its raw URL', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    await context.sut
      .http()
      .get(`/api/v1/employees/${id}`)
      .set({ Authorization: `Bearer ${admin.access_token}` });
    const text = await scrape();
    assert.ok(sample(text, 'facegate_http_request_duration_seconds_count', { route: '/api/v1/employees/:id' }) >= 1);
    assert.ok(!text.includes(id));
  });

  it('is not part of the OpenAPI document', async () => {
    const document = (await context.sut.http().get('/docs-json')).body as { paths: Record<string, unknown> };
    assert.ok(Object.keys(document.paths).length > 0);
    assert.ok(!('/metrics' in document.paths));
    assert.ok('/api/v1/system/metrics' in document.paths);
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const TOKEN = 'scrape-token-0123456789';
  let sut: TestApp;
  before(async () => (sut = await startTestApp({ METRICS_TOKEN: TOKEN })));
  after(() => sut.close());

  it('answers 401 without the token or with another, 200 with it', async () => {
    const without = await sut.http().get('/metrics');
    assert.equal(without.status, 401);
    assert.equal((without.body as { error: string }).error, 'unauthorized');
    assert.equal(
      (
        await sut
          .http()
          .get('/metrics')
          .set({ Authorization: `Bearer ${TOKEN}x` })
      ).status,
      401,
    );
    const granted = await sut
      .http()
      .get('/metrics')
      .set({ Authorization: `Bearer ${TOKEN}` });
    assert.equal(granted.status, 200);
    assert.match(granted.text, /# TYPE facegate_http_request_duration_seconds histogram/);
  });
});

describe('GET /metrics outside loopback, and disabled', () => {
  let sut: TestApp;
  let disabled: TestApp;
  before(async () => {
    // With every proxy trusted, X-Forwarded-For is the client address the access rule sees.
    sut = await startTestApp({ TRUST_PROXY: 'loopback', METRICS_ALLOW_FROM: '10.1.0.0/16' });
    disabled = await startTestApp({ METRICS_ENABLED: 'false' });
  });
  after(async () => {
    await sut.close();
    await disabled.close();
  });

  it('answers 403 to an address not allowed, 200 to loopback and METRICS_ALLOW_FROM', async () => {
    const from = (address: string) => sut.http().get('/metrics').set({ 'X-Forwarded-For': address });
    assert.equal((await from('192.0.2.7')).status, 403);
    assert.equal((await from('10.1.2.3')).status, 200);
    assert.equal((await sut.http().get('/metrics')).status, 200);
  });

  it('answers 404 when METRICS_ENABLED=false', async () => {
    const response = await disabled.http().get('/metrics');
    assert.equal(response.status, 404);
    assert.equal((response.body as { error: string }).error, 'not_found');
  });
});
