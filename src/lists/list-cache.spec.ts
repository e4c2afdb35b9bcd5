import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListCache, listKey } from './list-cache.js';

describe(ListCache.name, () => {
  /** A page of one row. */
  const getFrom = <T>(sut: ListCache, organizationId: string, key: string, load: () => Promise<T>) =>
    sut.get(organizationId, key, load, () => 1);
  const counting = <T>(value: T) => {
    const load = Object.assign(() => ((load.calls += 1), Promise.resolve(value)), { calls: 0 });
    return load;
  };
  const deferred = () => {
    let finish!: (value: string) => void;
    const load = Object.assign(() => ((load.calls += 1), new Promise<string>((resolve) => (finish = resolve))), {
      calls: 0,
    });
    return { load, finish: (value: string) => finish(value) };
  };

  it('loads a page once and answers it again from memory, per organisation, telling where each came from', async () => {
    const sources: string[] = [];
    const sut = new ListCache((source) => sources.push(source));
    const load = counting('page');
    assert.equal(await getFrom(sut, 'o1', 'people', load), 'page');
    assert.equal(await getFrom(sut, 'o1', 'people', load), 'page');
    assert.equal(load.calls, 1);
    assert.equal(await getFrom(sut, 'o2', 'people', load), 'page');
    assert.equal(load.calls, 2, 'another organisation reads its own');
    assert.deepEqual(sources, ['database', 'cache', 'database']);
  });

  it("drops an organisation's pages and keeps the others'; drops all of them for a change of unknown organisation", async () => {
    const sut = new ListCache();
    await getFrom(sut, 'o1', 'people', counting(1));
    await getFrom(sut, 'o1', 'departments', counting(2));
    await getFrom(sut, 'o2', 'people', counting(3));
    sut.drop({ organizationId: 'o1' });
    assert.equal(sut.size, 1);
    sut.drop({ all: true });
    assert.equal(sut.size, 0);
  });

  it('shares a load under way with callers meanwhile, but not with those who come after a change', async () => {
    const sut = new ListCache();
    const slow = deferred();
    const first = getFrom(sut, 'o1', 'people', slow.load);
    const second = getFrom(sut, 'o1', 'people', slow.load);
    assert.equal(slow.load.calls, 1);
    sut.drop({ organizationId: 'o1' });
    const fresh = counting('fresh');
    const third = getFrom(sut, 'o1', 'people', fresh);
    slow.finish('outdated');
    assert.deepEqual(await Promise.all([first, second, third]), ['outdated', 'outdated', 'fresh']);
    assert.equal(sut.size, 1);
    assert.equal(await getFrom(sut, 'o1', 'people', counting('again')), 'fresh', 'the outdated page was not stored');
  });

  it('keeps no failed load', async () => {
    const sut = new ListCache();
    await assert.rejects(getFrom(sut, 'o1', 'people', () => Promise.reject(new Error('database down'))));
    assert.equal(await getFrom(sut, 'o1', 'people', counting('page')), 'page');
  });

  it('reads every time while disabled, and expires pages after thirty seconds', async () => {
    let now = 0;
    const sut = new ListCache(undefined, () => now);
    sut.setEnabled(false);
    const load = counting('page');
    await getFrom(sut, 'o1', 'people', load);
    await getFrom(sut, 'o1', 'people', load);
    assert.equal(load.calls, 2);
    sut.setEnabled(true);
    await getFrom(sut, 'o1', 'people', load);
    now += 29_999;
    await getFrom(sut, 'o1', 'people', load);
    assert.equal(load.calls, 3);
    now += 1;
    await getFrom(sut, 'o1', 'people', load);
    assert.equal(load.calls, 4);
  });

  it('keys a query by its defined fields, whatever their order', () => {
    assert.equal(listKey('people', { a: 1, b: 'x', c: undefined }), listKey('people', { b: 'x', a: 1 }));
    assert.notEqual(listKey('people', { a: 1 }), listKey('departments', { a: 1 }));
    assert.notEqual(listKey('people', { a: 1 }), listKey('people', { a: '1' }));
  });

  it('keeps at most 20,000 rows, dropping the oldest pages first', async () => {
    const sut = new ListCache();
    const page = (rows: number) => Promise.resolve(Array.from({ length: rows }, (_, i) => i));
    for (const key of ['a', 'b', 'c', 'd'])
      await sut.get(
        'o1',
        key,
        () => page(6_000),
        (rows) => rows.length,
      );
    assert.equal(sut.size, 3, 'the first page went to make room for the fourth');
    assert.equal(sut.rowCount, 18_000);
    await sut.get(
      'o2',
      'e',
      () => page(0),
      (rows) => rows.length,
    );
    assert.equal(sut.rowCount, 18_001, 'an empty page counts as one row');
    sut.drop({ organizationId: 'o1' });
    assert.deepEqual([sut.size, sut.rowCount], [1, 1]);
  });
});
