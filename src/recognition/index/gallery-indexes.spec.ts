import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GalleryIndexes } from './gallery-indexes.js';

const unit = (axis: number) => new Float32Array(128).fill(0).fill(1, axis, axis + 1);

void describe(GalleryIndexes.name, () => {
  void it('creates a 128-d index on first use and returns the same one afterwards', () => {
    const sut = new GalleryIndexes();
    assert.equal(sut.find('org-a', 'people'), undefined);
    const index = sut.get('org-a', 'people');
    assert.equal(index.dimensions, 128);
    assert.equal(sut.get('org-a', 'people'), index);
    assert.equal(sut.find('org-a', 'people'), index);
  });

  void it('keeps any gallery keys and organisations apart', () => {
    const sut = new GalleryIndexes();
    sut.get('org-a', 'people').add('t1', 'p1', unit(0));
    sut.get('org-a', 'desk:returning').add('t2', 'v1', unit(1));
    assert.equal(sut.get('org-a', 'desk').size, 0);
    assert.equal(sut.get('org-b', 'people').size, 0);
    // Keys that would collide if organisation and gallery were simply joined with a colon.
    assert.equal(sut.get('org-a:desk', 'returning').size, 0);
    assert.equal(sut.totalSize, 2);
  });
});
