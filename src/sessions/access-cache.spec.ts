import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccessCache } from './access-cache.js';

describe(AccessCache.name, () => {
  const counting = <T>(value: T) => {
    const load = Object.assign(() => ((load.calls += 1), Promise.resolve(value)), { calls: 0 });
    return load;
  };

  it('loads a key once and answers later checks from memory', async () => {
    const sut = new AccessCache();
    const load = counting('state');
    assert.equal(await sut.get('user:1', load), 'state');
    assert.equal(await sut.get('user:1', load), 'state');
    assert.equal(load.calls, 1);
  });

  it("drops a user with the user's families, and an organisation with its users", async () => {
    const sut = new AccessCache();
    await sut.get('user:u1', counting({ org: 'o1' }), (value) => value.org);
    await sut.get('family:f1', counting(true), () => 'u1');
    await sut.get('family:f2', counting(true), () => 'u2');
    sut.drop({ userId: 'u1' });
    assert.equal(sut.size, 1, 'only the other user’s family is left');
    await sut.get('user:u2', counting({ org: 'o1' }), (value) => value.org);
    sut.drop({ organizationId: 'o1' });
    assert.equal(sut.size, 1, 'the organisation took its user, not the family');
  });

  it('drops a camera with its keys, and every camera with an organisation; keeps no value its owner refuses', async () => {
    const sut = new AccessCache();
    await sut.get('camera:c1', counting({ org: 'o1' }));
    await sut.get('camera-key:h1', counting({ camera: 'c1' }), (value) => value.camera);
    await sut.get('camera-key:h2', counting({ camera: 'c2' }), (value) => value.camera);
    await sut.get('camera-key:guess', counting(null), () => null);
    assert.equal(sut.size, 3, 'an unknown key is not kept');
    sut.drop({ cameraId: 'c1' });
    assert.equal(sut.size, 1, 'only the other camera’s key is left');
    await sut.get('user:u1', counting({ org: 'o2' }), (value) => value.org);
    sut.drop({ organizationId: 'o1' });
    assert.equal(sut.size, 1, 'the camera entries went, the other organisation’s user stayed');
  });

  it('does not store a value whose load began before a change', async () => {
    const sut = new AccessCache();
    let finish!: (value: string) => void;
    const slow = sut.get('user:1', () => new Promise<string>((resolve) => (finish = resolve)));
    sut.drop({ userId: '1' });
    finish('outdated');
    assert.equal(await slow, 'outdated');
    const load = counting('fresh');
    assert.equal(await sut.get('user:1', load), 'fresh');
    assert.equal(load.calls, 1);
  });

  it('reads every time while disabled, and expires entries after five minutes', async () => {
    let now = 0;
    const sut = new AccessCache(() => now);
    sut.setEnabled(false);
    const load = counting(1);
    await sut.get('k', load);
    await sut.get('k', load);
    assert.equal(load.calls, 2);
    sut.setEnabled(true);
    await sut.get('k', load);
    now += 5 * 60_000;
    await sut.get('k', load);
    assert.equal(load.calls, 4);
  });
});
