/**
 * Live fan-out: N Socket.IO clients of one organisation (plus one of another, which must hear nothing) connected to
 * the service on the embedded database; M recognition events published through the domain event bus. Reports
 * the connection time, the delivery latency from publish to each client's receipt, and whether every client heard
 * every event (goal: 1,000 clients receive every event).
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/live-fanout.bench.js [--clients=1000] [--events=20]
 */
import { loadavg } from 'node:os';
import type { Socket } from 'socket.io-client';
import { createOrganizationWithAdmin, loginAsAdmin } from '../test/support/api-client.js';
import { connectLive, createCamera, detection, pause, publish } from '../test/support/live-client.js';
import { startTestApp } from '../test/support/test-app.js';

const clients = Number(/--clients=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 1000);
const events = Number(/--events=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 20);
const CONNECT_BATCH = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const app = await startTestApp();
const sockets: Socket[] = [];
try {
  const superAdmin = await loginAsAdmin(app);
  const { organizationId, admin } = await createOrganizationWithAdmin(app, superAdmin);
  const outsider = await createOrganizationWithAdmin(app, superAdmin);
  const camera = await createCamera(app, organizationId);
  console.log(`# ${clients} clients, ${events} events; load average ${loadavg()[0].toFixed(1)}`);

  const connectStarted = performance.now();
  for (let first = 0; first < clients; first += CONNECT_BATCH) {
    const batch = Math.min(CONNECT_BATCH, clients - first);
    await Promise.all(Array.from({ length: batch }, () => connectLive(app, { token: admin.access_token }, sockets)));
  }
  const connectMs = performance.now() - connectStarted;
  const outsiderSocket = await connectLive(app, { token: outsider.admin.access_token }, sockets);
  let outsiderHeard = 0;
  outsiderSocket.on('recognition', () => (outsiderHeard += 1));

  const latencies: number[] = [];
  const heard = new Map<string, number>();
  let publishedAt = 0;
  for (const socket of sockets.slice(0, clients)) {
    socket.on('recognition', (event: { event_id: string }) => {
      latencies.push(performance.now() - publishedAt);
      heard.set(event.event_id, (heard.get(event.event_id) ?? 0) + 1);
    });
  }
  const perEvent: number[] = [];
  for (let index = 0; index < events; index += 1) {
    const before = latencies.length;
    publishedAt = performance.now();
    await publish(app, 'presence.recognized', {
      organizationId,
      cameraId: camera,
      locationId: null,
      streamUrl: null,
      frameTime: new Date().toISOString(),
      detections: [detection()],
    });
    const deadline = Date.now() + 10_000;
    while (latencies.length - before < clients && Date.now() < deadline) await pause(1);
    perEvent.push(performance.now() - publishedAt);
  }
  await pause(200);

  const complete = [...heard.values()].filter((count) => count === clients).length;
  const every = heard.size === events && complete === events;
  console.log(
    `connect ${clients} clients: ${connectMs.toFixed(0)} ms (${((clients / connectMs) * 1000).toFixed(0)}/s)`,
  );
  console.log(
    `delivery to each client: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ` +
      `max ${Math.max(...latencies).toFixed(1)} ms`,
  );
  console.log(
    `last client of an event: p50 ${percentile(perEvent, 50).toFixed(1)} ms, p95 ${percentile(perEvent, 95).toFixed(1)} ms`,
  );
  console.log(
    `deliveries ${latencies.length} of ${clients * events}; events heard by every client ${complete} of ${events}`,
  );
  console.log(`other organisation heard ${outsiderHeard} (must be 0)`);
  console.log(`goal: ${clients} clients receive every event: ${every && outsiderHeard === 0 ? 'PASS' : 'MISS'}`);
} finally {
  for (const socket of sockets) socket.close();
  await app.close();
}
