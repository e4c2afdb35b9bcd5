/**
 * Sends the route probe's bad input (test/support/route-probe.ts) to every operation and prints the slowest
 * refused requests beside the goal: no refused request slower than 1 s.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/route-probe.bench.js [--top=15]
 */
import { loadavg } from 'node:os';
import { loginAsAdmin } from '../test/support/api-client.js';
import { createPerson } from '../test/support/people.js';
import { probeRoutes, problemWith } from '../test/support/route-probe.js';
import { startTestApp } from '../test/support/test-app.js';

const GOAL_MS = 1000;
const top = Number(/--top=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 15);

const app = await startTestApp();
try {
  const admin = await loginAsAdmin(app);
  console.log(`# load average ${loadavg()[0].toFixed(1)}`);
  const started = performance.now();
  const results = await probeRoutes(app, admin, { employeeId: await createPerson(app, admin, 'Probe') });
  const seconds = (performance.now() - started) / 1000;
  const refused = results.filter((result) => result.status >= 400).sort((a, b) => b.ms - a.ms);
  const problems = results.filter((result) => problemWith(result) !== null);
  console.log(
    `${results.length} requests in ${seconds.toFixed(1)} s: ${refused.length} refused, ${problems.length} answers ` +
      `with a 5xx or outside the error shape`,
  );
  console.log(`\nslowest refused requests:`);
  for (const result of refused.slice(0, top)) {
    const error = (result.body as { error?: string } | undefined)?.error ?? '';
    console.log(
      `${result.ms.toFixed(0).padStart(6)} ms  ${String(result.status).padEnd(4)}${error.padEnd(26)}` +
        `${result.method} ${result.route} [${result.case}, ${result.as}]`,
    );
  }
  const slowest = refused[0]?.ms ?? 0;
  const over = refused.filter((result) => result.ms > GOAL_MS).length;
  console.log(
    `\nslowest refused request ${slowest.toFixed(0)} ms; ${over} over ${GOAL_MS} ms; ` +
      `goal: none slower than ${GOAL_MS} ms: ${over === 0 ? 'PASS' : 'MISS'}`,
  );
} finally {
  await app.close();
}
