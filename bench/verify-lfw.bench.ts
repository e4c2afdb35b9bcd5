/**
 * LFW View 1 through the service, as a client sees it: every pair of `pairsDevTest.txt` (500 same, 500 different)
 * posted to `POST /recognition/verify` at the shipped default threshold (nothing chosen on the test set), on the
 * embedded database. Counts right and wrong answers and the pairs refused (422 `no_face_detected`, …), which count
 * as wrong. Optional pack (YuNet, MiniFASNet) unless --default-pack.
 *
 *   npm run build:test && node --import reflect-metadata dist/bench/verify-lfw.bench.js [--default-pack]
 *     [--pairs=pairsDevTest.txt] [--limit=N]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

import { bearer, loginAsAdmin } from '../test/support/api-client.js';
import { facePath, sharedModelsDir } from '../test/support/shared-data.js';
import { startTestApp } from '../test/support/test-app.js';

const option = (name: string) => new RegExp(`--${name}=(\\S+)`).exec(process.argv.join(' '))?.[1];
const defaultPack = process.argv.includes('--default-pack');
const pairsFile = option('pairs') ?? 'pairsDevTest.txt';
const limit = Number(option('limit') ?? Infinity);
const GOAL = 0.99;

interface Pair {
  a: string;
  b: string;
  same: boolean;
}

function readPairs(file: string): Pair[] {
  const path = (name: string, index: string) =>
    facePath('lfw-dev', 'images', name, `${name}_${index.padStart(4, '0')}.jpg`);
  return readFileSync(facePath('lfw-dev', file), 'utf8')
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .flatMap((f): Pair[] => {
      if (f.length === 3) return [{ a: path(f[0], f[1]), b: path(f[0], f[2]), same: true }];
      if (f.length === 4) return [{ a: path(f[0], f[1]), b: path(f[2], f[3]), same: false }];
      return [];
    });
}

const pairs = readPairs(pairsFile).slice(0, limit);
const load = [loadavg()[0]];
const app = await startTestApp(defaultPack ? {} : { MODELS_DIR: sharedModelsDir });
try {
  const auth = bearer(await loginAsAdmin(app));
  let right = 0;
  let threshold: number | undefined;
  const refused = new Map<string, number>();
  const wrong: string[] = [];
  const started = performance.now();
  for (const [i, pair] of pairs.entries()) {
    const answer = await app
      .http()
      .post('/api/v1/recognition/verify')
      .set(auth)
      .attach('image_a', readFileSync(pair.a), 'a.jpg')
      .attach('image_b', readFileSync(pair.b), 'b.jpg');
    const name = `${pair.a.split('/').at(-1)} ~ ${pair.b.split('/').at(-1)}`;
    if (answer.status !== 200) {
      const code = String((answer.body as { error?: string }).error ?? answer.status);
      refused.set(code, (refused.get(code) ?? 0) + 1);
      wrong.push(`${name}: ${answer.status} ${code}`);
      continue;
    }
    const body = answer.body as { match: boolean; distance: number; threshold: number };
    threshold = body.threshold;
    if (body.match === pair.same) right++;
    else wrong.push(`${name}: ${pair.same ? 'same' : 'different'} people, distance ${body.distance.toFixed(3)}`);
    if ((i + 1) % 100 === 0) load.push(loadavg()[0]);
  }
  const seconds = (performance.now() - started) / 1000;
  const accuracy = right / pairs.length;
  console.log(`# ${defaultPack ? 'default pack' : 'optional pack'}, ${pairsFile}, ${pairs.length} pairs`);
  console.log(`threshold (shipped default)      ${threshold}`);
  console.log(
    `accuracy                         ${(accuracy * 100).toFixed(2)}%  goal ≥ ${GOAL * 100}%: ${accuracy >= GOAL ? 'PASS' : 'MISS'}`,
  );
  console.log(
    `refused pairs                    ${[...refused].map(([code, n]) => `${n} ${code}`).join(', ') || 'none'}`,
  );
  console.log(
    `time                             ${seconds.toFixed(0)} s, ${((seconds / pairs.length) * 1000).toFixed(0)} ms a pair`,
  );
  console.log(`load average                     ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`);
  for (const line of wrong) console.log(`  wrong: ${line}`);
} finally {
  await app.close();
}
