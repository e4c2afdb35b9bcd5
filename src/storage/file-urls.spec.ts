import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppConfig } from '../config/app-config.js';
import { FileUrls, SIGNED_FILES_PATH } from './file-urls.js';

const ORG = '0b6c5e8a-3f0e-4c1a-9d7e-1f2a3b4c5d6e';
const OTHER_ORG = '7d1e2f3a-4b5c-4d6e-8f9a-0b1c2d3e4f5a';
const FILE = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

function signer(key = 'k'.repeat(32), ttlSeconds = 900): FileUrls {
  const config = { fileUrls: { key: Buffer.from(key), ttlSeconds, resourcePolicy: 'cross-origin' } };
  return new FileUrls(config as unknown as AppConfig);
}

function parts(url: string): { id: string; expires: string; signature: string } {
  const parsed = new URL(url, 'http://local');
  return {
    id: parsed.pathname.slice(SIGNED_FILES_PATH.length + 1),
    expires: parsed.searchParams.get('expires')!,
    signature: parsed.searchParams.get('signature')!,
  };
}

describe(FileUrls.name, () => {
  const now = Date.UTC(2026, 2, 12, 8, 0, 0);

  it('signs a URL that verifies for its file and organisation until it expires', () => {
    const sut = signer();
    const { id, expires, signature } = parts(sut.sign(ORG, FILE, now));
    assert.equal(id, FILE);
    assert.ok(Number(expires) * 1000 >= now + 900_000, 'lives at least the TTL');
    assert.ok(Number(expires) * 1000 <= now + 990_000, 'and at most a tenth more');
    assert.equal(sut.verify(ORG, FILE, expires, signature, now), true);
    assert.equal(sut.verify(ORG, FILE, expires, signature, Number(expires) * 1000 - 1), true);
    assert.equal(sut.verify(ORG, FILE, expires, signature, Number(expires) * 1000), false, 'expired');
  });

  it('refuses another organisation, another file, a moved expiry, a changed signature or another key', () => {
    const sut = signer();
    const { expires, signature } = parts(sut.sign(ORG, FILE, now));
    assert.equal(sut.verify(OTHER_ORG, FILE, expires, signature, now), false);
    assert.equal(sut.verify(ORG, FILE.replace('a1', 'b1'), expires, signature, now), false);
    assert.equal(sut.verify(ORG, FILE, String(Number(expires) + 1), signature, now), false);
    assert.equal(sut.verify(ORG, FILE, expires, `${signature.slice(0, -1)}A`, now), signature.endsWith('A'));
    assert.equal(signer('x'.repeat(32)).verify(ORG, FILE, expires, signature, now), false);
    for (const bad of [undefined, '', '1e12', '-5', 'soon'])
      assert.equal(sut.verify(ORG, FILE, bad, signature, now), false);
    assert.equal(sut.verify(ORG, FILE, expires, undefined, now), false);
  });

  it('keeps the same URL for a tenth of the lifetime, so browsers can cache the photo', () => {
    const sut = signer(undefined, 600);
    const start = Math.ceil(now / 60_000) * 60_000;
    assert.equal(sut.sign(ORG, FILE, start + 1_000), sut.sign(ORG, FILE, start + 59_000));
    assert.notEqual(sut.sign(ORG, FILE, start + 1_000), sut.sign(ORG, FILE, start + 61_000));
  });
});
