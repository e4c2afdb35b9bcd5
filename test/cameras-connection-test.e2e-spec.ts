import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createOrganizationWithAdmin, type Session } from './support/api-client.js';
import { apiCalls, expectError, expectStatus } from './support/api-calls.js';
import { useTestApp } from './support/use-test-app.js';

/** A TCP server on a free local port that counts the connections it accepts. */
async function listen(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => count };
}

/**
 * A port that never answers: a child process listens with a backlog of 1 and then blocks its event loop, so it
 * accepts nothing; once the kernel's queue is full (two handshakes), further connection attempts hang.
 */
async function silentPort(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, [
    '-e',
    `const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
       process.stdout.write(s.address().port + '\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
     });`,
  ]);
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (data) => resolve(Number(String(data)))),
  );
  const fillers: Socket[] = [];
  const stop = () => {
    for (const socket of fillers) socket.destroy();
    child.kill();
  };
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const socket = connect({ host: '127.0.0.1', port }).on('error', () => undefined);
    fillers.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return { port, stop };
  }
  stop();
  throw new Error('could not fill the backlog of the silent port');
}

void describe('cameras: connection test', () => {
  const context = useTestApp({ CAMERA_TEST_TIMEOUT_MS: '400' });
  const { send } = apiCalls(() => context.sut);
  let admin: Session;
  let open: Awaited<ReturnType<typeof listen>>;
  let closedPort: number;

  before(async () => {
    ({ admin } = await createOrganizationWithAdmin(context.sut, context.superAdmin));
    open = await listen();
    const closed = await listen();
    closedPort = closed.port;
    await new Promise((resolve) => closed.server.close(resolve));
  });
  after(() => new Promise((resolve) => open.server.close(resolve)));

  async function test(body: object) {
    const camera = expectStatus(await send(admin, 'post', '/cameras', { name: 'Probe', ...body }), 201);
    const started = Date.now();
    const answer = await send(admin, 'post', `/cameras/${String(camera.id)}/test`);
    return { answer, ms: Date.now() - started };
  }

  it('reports a listening port reachable, with the latency, having really connected', async () => {
    const url = `rtsp://user:Pw-secret-1@127.0.0.1:${open.port}/stream`;
    const { answer } = await test({ source_type: 'rtsp', source_url: url });
    const body = expectStatus(answer, 200);
    assert.equal(body.reachable, true);
    assert.deepEqual([body.host, body.port, body.error], ['127.0.0.1', open.port, null]);
    assert.equal(typeof body.latency_ms, 'number');
    assert.ok(open.connections() >= 1);
    assert.ok(!JSON.stringify(body).includes('Pw-secret-1'));
  });

  it('reports a closed port unreachable (connection refused), with 200, not an error', async () => {
    const { answer } = await test({ source_type: 'http', source_url: `http://127.0.0.1:${closedPort}/mjpeg` });
    const body = expectStatus(answer, 200);
    assert.deepEqual(
      [body.reachable, body.port, body.latency_ms, body.error],
      [false, closedPort, null, 'connection_refused'],
    );
  });

  it("uses the scheme's default port when the URL names none", async () => {
    for (const [url, port] of [
      ['rtsp://127.0.0.1/x', 554],
      ['http://127.0.0.1/x', 80],
      ['https://127.0.0.1/x', 443],
    ] as const) {
      const { answer } = await test({ source_type: 'usb', source_url: url });
      const body = expectStatus(answer, 200, url);
      assert.deepEqual([body.host, body.port], ['127.0.0.1', port], url);
    }
  });

  it('gives up after CAMERA_TEST_TIMEOUT_MS on a port that does not answer', async () => {
    const silent = await silentPort();
    try {
      const { answer, ms } = await test({ source_type: 'rtsp', source_url: `rtsp://127.0.0.1:${silent.port}/x` });
      const body = expectStatus(answer, 200);
      assert.deepEqual([body.reachable, body.latency_ms, body.error], [false, null, 'timeout']);
      assert.ok(ms >= 400 && ms < 2000, `${ms} ms`);
    } finally {
      silent.stop();
    }
  });

  it('reports a host name that does not resolve', async () => {
    const { answer } = await test({ source_type: 'http', source_url: 'http://camera.invalid/x' });
    const body = expectStatus(answer, 200);
    assert.equal(body.reachable, false);
    assert.ok(['host_not_found', 'timeout'].includes(String(body.error)), String(body.error));
  });

  it('answers 422 for a camera without a URL', async () => {
    const { answer } = await test({ source_type: 'kiosk' });
    expectError(answer, 422, 'no_source_url');
  });
});
