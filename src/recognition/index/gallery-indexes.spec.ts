import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GalleryIndexes } from './gallery-indexes.js';

void describe(GalleryIndexes.name, () => {
  void it('creates an index on first use and returns the same one afterwards', () => {
    const sut = new GalleryIndexes(8);
    assert.equal(sut.find('org-a', 'employees'), undefined);
    const index = sut.get('org-a', 'employees');
    assert.equal(index.dimensions, 8);
    assert.equal(sut.get('org-a', 'employees'), index);
    assert.equal(sut.find('org-a', 'employees'), index);
  });

  void it('keeps galleries and organisations apart', () => {
    const sut = new GalleryIndexes(4);
    sut.get('org-a', 'employees').add('t1', 'p1', new Float32Array([1, 0, 0, 0]));
    assert.equal(sut.get('org-a', 'visitors').size, 0);
    assert.equal(sut.get('org-b', 'employees').size, 0);
    assert.equal(sut.totalSize, 1);
  });

  void it('clears every gallery of one organisation only', () => {
    const sut = new GalleryIndexes(4);
    sut.get('org-a', 'employees').add('t1', 'p1', new Float32Array([1, 0, 0, 0]));
    sut.get('org-a', 'visitors').add('t2', 'v1', new Float32Array([0, 1, 0, 0]));
    sut.get('org-b', 'employees').add('t3', 'p2', new Float32Array([0, 0, 1, 0]));
    sut.clearOrganization('org-a');
    assert.equal(sut.find('org-a', 'employees'), undefined);
    assert.equal(sut.find('org-a', 'visitors'), undefined);
    assert.equal(sut.find('org-b', 'employees')?.size, 1);
    assert.equal(sut.totalSize, 1);
  });

  void it('defaults to 128-dimensional embeddings', () => {
    assert.equal(new GalleryIndexes().get('org-a', 'visitors').dimensions, 128);
  });
});
