import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AppConfig } from '../config/app-config.js';
import { CredentialSeal, CredentialsUnreadable } from './credential-seal.js';
import { joinStreamUrl, NO_CREDENTIALS, splitStreamUrl, type StreamCredentials } from './stream-credentials.js';

const sealWith = (key: Buffer) => new CredentialSeal({ cameraSecretsKey: key } as AppConfig);

/** Flips one bit of the base64url part `index` of a sealed value. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe(CredentialSeal.name, () => {
  const key = randomBytes(32);
  const sut = sealWith(key);
  const cameraId = randomUUID();
  const credentials: StreamCredentials = {
    username: 'admin',
    password: 'S3cret:@/%pass',
    query: [['pwd', 'other-secret']],
  };

  it('opens what it sealed, and the sealed text holds no plaintext', () => {
    const sealed = sut.seal(cameraId, credentials);
    assert.ok(sealed);
    assert.deepEqual(sut.open(cameraId, sealed), credentials);
    for (const secret of ['admin', 'S3cret', 'other-secret']) assert.ok(!sealed.includes(secret), secret);
    assert.match(sealed, /^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('seals the same credentials differently every time (fresh IV)', () => {
    assert.notEqual(sut.seal(cameraId, credentials), sut.seal(cameraId, credentials));
  });

  it('seals nothing when there are no credentials, and opens nothing as none', () => {
    assert.equal(sut.seal(cameraId, NO_CREDENTIALS), null);
    assert.deepEqual(sut.open(cameraId, null), NO_CREDENTIALS);
  });

  it('refuses a value whose IV, tag or ciphertext was altered', () => {
    const sealed = sut.seal(cameraId, credentials)!;
    for (const index of [2, 3, 4]) {
      assert.throws(() => sut.open(cameraId, flipBit(sealed, index)), CredentialsUnreadable, `part ${index}`);
    }
    assert.throws(() => sut.open(cameraId, sealed.slice(0, -2)), CredentialsUnreadable, 'truncated');
    assert.throws(() => sut.open(cameraId, 'not sealed'), CredentialsUnreadable, 'garbage');
  });

  it("refuses a value copied onto another camera's row", () => {
    const sealed = sut.seal(cameraId, credentials)!;
    assert.throws(() => sut.open(randomUUID(), sealed), CredentialsUnreadable);
  });

  it('refuses a value sealed under another key', () => {
    const sealed = sealWith(randomBytes(32)).seal(cameraId, credentials)!;
    assert.throws(() => sut.open(cameraId, sealed), CredentialsUnreadable);
    // Even with the key id forged to this key's, the tag does not check.
    const parts = sealed.split('.');
    parts[1] = sut.seal(cameraId, credentials)!.split('.')[1];
    const forged = parts.join('.');
    assert.throws(() => sut.open(cameraId, forged), CredentialsUnreadable);
  });
});

describe(splitStreamUrl.name, () => {
  it('takes the user-info out of the URL, percent-decoded', () => {
    const { url, credentials } = splitStreamUrl('rtsp://cam%40site:p%3Ass%2Fw@10.0.0.5:554/live?channel=1');
    assert.equal(url, 'rtsp://10.0.0.5:554/live?channel=1');
    assert.deepEqual(credentials, { username: 'cam@site', password: 'p:ss/w', query: [] });
  });

  it('takes secret query parameters out and keeps the others in order', () => {
    const { url, credentials } = splitStreamUrl('http://cam.local/snapshot.cgi?usr=admin&res=720&pwd=hunter2&x=1');
    assert.equal(url, 'http://cam.local/snapshot.cgi?res=720&x=1');
    assert.deepEqual(credentials, {
      username: null,
      password: null,
      query: [
        ['usr', 'admin'],
        ['pwd', 'hunter2'],
      ],
    });
  });

  it('leaves a URL without secrets as it is', () => {
    const { url, credentials } = splitStreamUrl('rtsps://[fd00::5]:8322/stream?profile=main');
    assert.equal(url, 'rtsps://[fd00::5]:8322/stream?profile=main');
    assert.deepEqual(credentials, NO_CREDENTIALS);
  });

  it('refuses other schemes and URLs without a host', () => {
    for (const text of ['ftp://user:pw@host/x', 'rtsp:relative', 'not a url', 'file:///etc/passwd']) {
      assert.throws(() => splitStreamUrl(text), /Not a stream URL/, text);
    }
  });
});

describe(joinStreamUrl.name, () => {
  it('puts back what splitStreamUrl took out, so the client gets a working URL', () => {
    for (const original of [
      'rtsp://cam%40site:p%3Ass%2Fw@10.0.0.5:554/live?channel=1',
      'http://admin:pa%20ss@cam.local/snapshot.cgi?res=720&pwd=hunter2',
    ]) {
      const { url, credentials } = splitStreamUrl(original);
      const joined = new URL(joinStreamUrl(url, credentials));
      const expected = new URL(original);
      assert.equal(decodeURIComponent(joined.username), decodeURIComponent(expected.username));
      assert.equal(decodeURIComponent(joined.password), decodeURIComponent(expected.password));
      assert.equal(joined.host, expected.host);
      assert.equal(joined.pathname, expected.pathname);
      assert.deepEqual([...joined.searchParams].sort(), [...expected.searchParams].sort());
    }
  });

  it('seals any text for one owner: opened by that owner only, null when altered or under another key', () => {
    const sut = sealWith(randomBytes(32));
    const sealed = sut.sealText('webhook:a', 'whsec_secret');
    assert.ok(!sealed.includes('whsec_secret'));
    assert.equal(sut.openText('webhook:a', sealed), 'whsec_secret');
    assert.equal(sut.openText('webhook:b', sealed), null);
    assert.equal(sut.openText('webhook:a', flipBit(sealed, 4)), null);
    assert.equal(sealWith(randomBytes(32)).openText('webhook:a', sealed), null);
  });

  it('encodes characters that would break the user-info', () => {
    const joined = joinStreamUrl('rtsp://host/a', { username: 'a@b', password: 'p%@:/#?', query: [] });
    const url = new URL(joined);
    assert.equal(url.host, 'host');
    assert.equal(decodeURIComponent(url.password), 'p%@:/#?');
  });
});
