import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestContext } from '../common/request-context.js';
import { AppLogger } from './app-logger.js';

/** What the logger writes to stdout while `run` runs. */
function captureStdout(run: () => void): string[] {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return lines;
}

const request = { requestId: 'req-42', ip: null, userAgent: null, userId: 'user-7' };

describe(AppLogger.name, () => {
  it('adds the request id and user id to every JSON line written during a request, and only then', () => {
    const sut = new AppLogger('json', ['log']);
    const [inside] = captureStdout(() => requestContext.run(request, () => sut.log('inside', 'Feature')));
    const [outside] = captureStdout(() => sut.log('outside', 'Feature'));
    const line = JSON.parse(inside) as Record<string, unknown>;
    assert.equal(line.message, 'inside');
    assert.equal(line.context, 'Feature');
    assert.equal(line.request_id, 'req-42');
    assert.equal(line.user_id, 'user-7');
    const plain = JSON.parse(outside) as Record<string, unknown>;
    assert.equal(plain.request_id, undefined);
    assert.equal(plain.user_id, undefined);
  });

  it('puts the request id after the context in pretty text', () => {
    const sut = new AppLogger('pretty', ['log']);
    const [inside] = captureStdout(() => requestContext.run(request, () => sut.log('inside', 'Feature')));
    const colours = new RegExp(`${String.fromCharCode(27)}\\[[\\d;]*m`, 'g');
    assert.ok(inside.replace(colours, '').includes('[Feature] [req-42] inside'), inside);
  });

  it('masks secrets in structured params', () => {
    const sut = new AppLogger('json', ['log']);
    const [line] = captureStdout(() => sut.log('login', { username: 'ann', password: 'hunter2', token: 'abc' }));
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed.username, 'ann');
    assert.notEqual(parsed.password, 'hunter2');
    assert.notEqual(parsed.token, 'abc');
  });
});
