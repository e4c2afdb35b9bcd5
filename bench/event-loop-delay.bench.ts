/**
 * How long the service's event loop is held while it recognises group photos: two `POST /recognition/identify`
 * requests in flight at once for `--seconds` (default 10) per photo, the event loop's delay sampled every
 * millisecond meanwhile (perf_hooks.monitorEventLoopDelay). Every other request, socket event and timer of the
 * instance waits that long. Default model pack, embedded database.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/event-loop-delay.bench.js [--seconds=10]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { bearer, loginAsAdmin } from '../test/support/api-client.js';
import { facePath } from '../test/support/shared-data.js';
import { startTestApp } from '../test/support/test-app.js';

const seconds = Number(/--seconds=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 10);
const photos = ['human-solvay1927.jpg', 'retinaface-team.jpg'];

const app = await startTestApp({});
try {
  const auth = bearer(await loginAsAdmin(app));
  console.log(`# default pack, 2 requests in flight, ${seconds} s per photo; load average ${loadavg()[0].toFixed(1)}`);
  for (const photo of photos) {
    const bytes = readFileSync(facePath('groups', photo));
    const identify = () =>
      app.http().post('/api/v1/recognition/identify').set(auth).attach('image', bytes, 'photo.jpg').expect(200);
    await identify(); // warm-up: the first run of each shape plans its memory
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    let done = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (performance.now() - started < seconds * 1000) {
          await identify();
          done += 1;
        }
      }),
    );
    delay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(1).padStart(6);
    console.log(
      `${photo.padEnd(24)} ${(done / ((performance.now() - started) / 1000)).toFixed(2)} photos/s   event loop delay ` +
        `p50 ${ms(delay.percentile(50))} ms  p99 ${ms(delay.percentile(99))} ms  max ${ms(delay.max)} ms`,
    );
  }
  console.log(`# load average at the end ${loadavg()[0].toFixed(1)}`);
} finally {
  await app.close();
}
