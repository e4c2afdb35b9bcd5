/**
 * What webhook deliveries cost: from a committed domain event (`camera.status`) to the request at a receiver on
 * 127.0.0.1, one event at a time (latency) and in a burst (deliveries per second through the job queue), on the
 * embedded database (in-process jobs) or PostgreSQL with TEST_DATABASE_URL (BullMQ).
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/webhook-delivery.bench.js
 */
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { DomainEventBus } from '../src/events/domain-event-bus.js';
import { bearer, createOrganizationWithAdmin, loginAsAdmin } from '../test/support/api-client.js';
import { startTestApp } from '../test/support/test-app.js';
import { WebhookReceiver } from '../test/support/webhook-receiver.js';

const SEQUENTIAL = 50;
const BURST = 300;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

const receiver = await new WebhookReceiver().start();
const app = await startTestApp({ LOG_LEVEL: 'error', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
try {
  const superAdmin = await loginAsAdmin(app);
  const { organizationId, admin } = await createOrganizationWithAdmin(app, superAdmin);
  const created = await app
    .http()
    .post('/api/v1/webhooks')
    .set(bearer(admin))
    .send({ url: receiver.url('/bench'), events: ['camera.status'] });
  if (created.status !== 201) throw new Error(`create answered ${created.status}`);
  const bus = app.app.get(DomainEventBus);
  const manager = app.app.get(DataSource).manager;
  const publish = (i: number) =>
    bus.publish(manager, 'camera.status', {
      organizationId,
      cameraId: '00000000-0000-4000-8000-000000000000',
      locationId: null,
      status: i % 2 === 0 ? 'online' : 'offline',
      at: new Date().toISOString(),
    });
  console.log(`# load average ${loadavg()[0].toFixed(1)}; ${app.config.databaseUrl ? 'PostgreSQL, BullMQ' : 'PGlite'}`);

  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const started = performance.now();
    await publish(i);
    await receiver.requestsTo('/bench', i + 1);
    latencies.push(performance.now() - started);
  }
  console.log(
    `event → receiver, one at a time (${SEQUENTIAL}): median ${median(latencies).toFixed(1)} ms, ` +
      `p95 ${p95(latencies).toFixed(1)} ms`,
  );

  const started = performance.now();
  for (let i = 0; i < BURST; i++) await publish(i);
  const queuedMs = performance.now() - started;
  await receiver.requestsTo('/bench', SEQUENTIAL + BURST, 120_000);
  const totalMs = performance.now() - started;
  console.log(
    `burst of ${BURST}: published in ${queuedMs.toFixed(0)} ms, all delivered in ${totalMs.toFixed(0)} ms ` +
      `(${((BURST * 1000) / totalMs).toFixed(0)} deliveries/s)`,
  );
} finally {
  await app.close();
  await receiver.close();
}
