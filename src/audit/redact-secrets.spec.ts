import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactSecrets } from './redact-secrets.js';

describe(redactSecrets.name, () => {
  it('replaces secret-looking fields at any depth and keeps the rest', () => {
    const sut = redactSecrets({
      username: 'ann',
      password: 'Secret-1',
      nested: { refresh_token: 'abc', api_key: 'k', list: [{ new_password: 'x', keep: 1 }] },
      when: new Date('2026-01-02T03:04:05Z'),
    });
    assert.deepEqual(sut, {
      username: 'ann',
      password: '[REDACTED]',
      nested: { refresh_token: '[REDACTED]', api_key: '[REDACTED]', list: [{ new_password: '[REDACTED]', keep: 1 }] },
      when: '2026-01-02T03:04:05.000Z',
    });
  });

  it('never copies binary data such as embeddings', () => {
    assert.deepEqual(redactSecrets({ vector: new Float32Array([1, 2]) }), { vector: '[BINARY]' });
  });
});
