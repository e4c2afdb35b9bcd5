import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PageOf, PageQuery, toPage } from './pagination.js';

const query = (page: number, pageSize: number) => Object.assign(new PageQuery(), { page, page_size: pageSize });

describe(toPage.name, () => {
  it('links to the next page keeping the other filters', () => {
    const sut = toPage('/api/v1/users?role=admin&page=1&page_size=2', new PageOf(['a', 'b'], 5, query(1, 2)));
    assert.equal(sut.count, 5);
    assert.equal(sut.next, '/api/v1/users?role=admin&page=2&page_size=2');
    assert.equal(sut.previous, null);
  });

  it('has no next link on the last page and a previous link back', () => {
    const sut = toPage('/api/v1/users?page=3&page_size=2', new PageOf(['e'], 5, query(3, 2)));
    assert.equal(sut.next, null);
    assert.equal(sut.previous, '/api/v1/users?page=2&page_size=2');
  });

  it('points a page past the end back to the last real page', () => {
    const sut = toPage('/api/v1/users?page=9&page_size=2', new PageOf([], 5, query(9, 2)));
    assert.equal(sut.next, null);
    assert.equal(sut.previous, '/api/v1/users?page=3&page_size=2');
  });

  it('adds the extra fields of a page beside the links, never in place of them', () => {
    const facets = { total: 5, active: 4 };
    const sut = toPage(
      '/api/v1/employees?page=1&page_size=2',
      new PageOf(['a', 'b'], 5, query(1, 2), { facets, count: 0 }),
    );
    assert.deepEqual(sut.facets, facets);
    assert.equal(sut.count, 5);
    assert.deepEqual(sut.results, ['a', 'b']);
    assert.deepEqual(
      toPage(
        '/x',
        new PageOf(['a'], 1, query(1, 2), { facets }).map((item) => item.toUpperCase()),
      ).facets,
      facets,
    );
  });

  it('computes skip and take from page and size', () => {
    assert.deepEqual(PageOf.skipTake(query(3, 20)), { skip: 40, take: 20 });
  });
});
