import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VectorIndex, type VectorSearchHit } from './vector-index.js';

interface TemplateVector {
  templateId: string;
  ownerId: string;
  vector: Float32Array;
}

/** Small seeded generator (mulberry32) so a failure can be replayed with the same data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomUnitVector(dimensions: number, random: () => number): Float32Array {
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index += 1) {
    vector[index] = random() * 2 - 1;
    norm += vector[index] * vector[index];
  }
  for (let index = 0; index < dimensions; index += 1) vector[index] /= Math.sqrt(norm);
  return vector;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index] * b[index];
  return sum;
}

/** Owners drawn at random, about `perOwner` templates each scattered over the rows (1: one owner per template). */
function randomTemplates(count: number, dimensions: number, random: () => number, perOwner = 4): TemplateVector[] {
  const templates: TemplateVector[] = [];
  for (let index = 0; index < count; index += 1) {
    const ownerNumber = perOwner === 1 ? index : Math.floor((random() * count) / perOwner);
    templates.push({
      templateId: `t${index}`,
      ownerId: `p${ownerNumber}`,
      vector: randomUnitVector(dimensions, random),
    });
  }
  return templates;
}

function naiveSearch(templates: TemplateVector[], query: Float32Array, k: number): VectorSearchHit[] {
  return templates
    .map(({ templateId, ownerId, vector }) => ({ templateId, ownerId, similarity: dot(vector, query) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, k);
}

function naiveSearchOwners(templates: TemplateVector[], query: Float32Array, k: number): VectorSearchHit[] {
  const best = new Map<string, VectorSearchHit>();
  for (const hit of naiveSearch(templates, query, templates.length)) {
    if (!best.has(hit.ownerId)) best.set(hit.ownerId, hit);
  }
  return [...best.values()].slice(0, k);
}

/** Ties may come in any order; the tolerance covers float rounding only. */
function assertSameHits(
  actual: VectorSearchHit[],
  expected: VectorSearchHit[],
  templates: TemplateVector[],
  tolerance = 1e-6,
): void {
  assert.equal(actual.length, expected.length);
  assert.equal(new Set(actual.map((hit) => hit.templateId)).size, actual.length, 'duplicate template in results');
  const byId = new Map(templates.map((template) => [template.templateId, template]));
  actual.forEach((hit, rank) => {
    assert.ok(Math.abs(hit.similarity - expected[rank].similarity) <= tolerance, `similarity at rank ${rank}`);
    const template = byId.get(hit.templateId);
    assert.ok(template, `unknown template ${hit.templateId}`);
    assert.equal(hit.ownerId, template.ownerId);
  });
}

function loadedIndex(templates: TemplateVector[], dimensions: number): VectorIndex {
  const sut = new VectorIndex(dimensions);
  sut.reserve(templates.length);
  for (const { templateId, ownerId, vector } of templates) sut.add(templateId, ownerId, vector);
  return sut;
}

void describe(VectorIndex.name, () => {
  void it('returns nothing from an empty index', () => {
    const sut = new VectorIndex(8);
    const query = randomUnitVector(8, seededRandom(1));
    assert.deepEqual(sut.searchOwners(query, 5), []);
    assert.equal(sut.size, 0);
  });

  for (const dimensions of [128, 20]) {
    for (const size of [1, 7, 300, 4097, 9000]) {
      // One template per owner makes the owner search a search over every row, so each row's score is checked.
      for (const perOwner of [1, 4]) {
        void it(`matches a naive scan over ${size} random ${dimensions}-d templates, ${perOwner} per owner`, () => {
          const random = seededRandom(size * 31 + dimensions + perOwner);
          const templates = randomTemplates(size, dimensions, random, perOwner);
          const sut = loadedIndex(templates, dimensions);
          assert.equal(sut.size, size);
          for (const k of [1, 5, 50, size + 3]) {
            const query = randomUnitVector(dimensions, random);
            assertSameHits(sut.searchOwners(query, k), naiveSearchOwners(templates, query, k), templates);
          }
        });
      }
    }
  }

  void it('finds a stored vector as its own best match with similarity 1', () => {
    const random = seededRandom(7);
    const templates = randomTemplates(2000, 128, random);
    const sut = loadedIndex(templates, 128);
    const target = templates[1234];
    const [best] = sut.searchOwners(target.vector, 1);
    assert.equal(best.templateId, target.templateId);
    assert.ok(Math.abs(best.similarity - 1) < 1e-5);
  });

  // With few rows the threshold comes from every row, with many from a sample: both must keep the margin.
  for (const others of [0, 3000]) {
    void it(`orders near-duplicates exactly although int8 cannot tell them apart (${others} other rows)`, () => {
      const random = seededRandom(13 + others);
      const base = randomUnitVector(128, random);
      const templates = randomTemplates(others, 128, random);
      // Variants at growing distance from the base: similarities 1 - δ²/2 about 1e-4 apart, far below int8
      // resolution, in random order.
      for (let variant = 0; variant < 40; variant += 1) {
        const offset = randomUnitVector(128, random);
        const delta = 0.02 + 0.002 * variant;
        const vector = base.map((value, index) => value + delta * offset[index]);
        const norm = Math.sqrt(dot(vector, vector));
        const position = Math.floor(random() * (templates.length + 1));
        const template = { templateId: `near${variant}`, ownerId: `q${variant}`, vector: vector.map((v) => v / norm) };
        templates.splice(position, 0, template);
      }
      const sut = loadedIndex(templates, 128);
      assert.deepEqual(
        sut.searchOwners(base, 10).map((hit) => hit.ownerId),
        naiveSearchOwners(templates, base, 10).map((hit) => hit.ownerId),
      );
    });
  }

  void it('matches a naive scan for vectors that are not normalised', () => {
    const random = seededRandom(17);
    const templates = randomTemplates(2000, 64, random).map((template, index) => ({
      ...template,
      vector: template.vector.map((value) => value * (0.1 + (index % 50))),
    }));
    const sut = loadedIndex(templates, 64);
    const query = randomUnitVector(64, random).map((value) => value * 3);
    assertSameHits(sut.searchOwners(query, 15), naiveSearchOwners(templates, query, 15), templates, 1e-4);
  });

  void it('keeps every vector intact while growing one add at a time', () => {
    const random = seededRandom(19);
    const sut = new VectorIndex(128);
    const kept: TemplateVector[] = [];
    for (const [added, template] of randomTemplates(5000, 128, random).entries()) {
      sut.add(template.templateId, template.ownerId, template.vector);
      kept.push(template);
      if (added % 700 === 699) {
        const query = randomUnitVector(128, random);
        assertSameHits(sut.searchOwners(query, 5), naiveSearchOwners(kept, query, 5), kept);
        const [removed] = kept.splice(Math.floor(random() * kept.length), 1);
        assert.equal(sut.removeTemplate(removed.templateId), true);
      }
    }
    for (const probe of [kept[0], kept[kept.length - 1], kept[2500]]) {
      const [best] = sut.searchOwners(probe.vector, 1);
      assert.equal(best.templateId, probe.templateId);
    }
    const query = randomUnitVector(128, random);
    assertSameHits(sut.searchOwners(query, 40), naiveSearchOwners(kept, query, 40), kept);
  });

  void it('returns every tied owner when identical vectors are stored', () => {
    const random = seededRandom(11);
    const shared = randomUnitVector(16, random);
    const sut = new VectorIndex(16);
    for (let index = 0; index < 6; index += 1) sut.add(`twin${index}`, `p${index % 3}`, shared);
    for (let index = 0; index < 50; index += 1) sut.add(`other${index}`, `o${index}`, randomUnitVector(16, random));
    const hits = sut.searchOwners(shared, 3);
    assert.deepEqual(hits.map((hit) => hit.ownerId).sort(), ['p0', 'p1', 'p2']);
    assert.equal(new Set(hits.map((hit) => hit.similarity)).size, 1);
  });

  void it('matches a naive scan after removing random templates', () => {
    const random = seededRandom(21);
    const templates = randomTemplates(5000, 128, random);
    const sut = loadedIndex(templates, 128);
    const removed = templates.filter(() => random() < 0.5);
    for (const template of removed) assert.equal(sut.removeTemplate(template.templateId), true);
    assert.equal(sut.removeTemplate(removed[0].templateId), false);
    assert.equal(sut.removeTemplate('never-added'), false);
    const kept = templates.filter((template) => !removed.includes(template));
    assert.equal(sut.size, kept.length);
    for (const template of removed) assert.equal(sut.has(template.templateId), false);
    for (let round = 0; round < 5; round += 1) {
      const query = randomUnitVector(128, random);
      assertSameHits(sut.searchOwners(query, 20), naiveSearchOwners(kept, query, 20), kept);
    }
  });

  void it('removes every template of an owner and nothing else', () => {
    const random = seededRandom(31);
    const templates = randomTemplates(3000, 64, random);
    const sut = loadedIndex(templates, 64);
    const ownerId = templates[1500].ownerId;
    const owned = templates.filter((template) => template.ownerId === ownerId);
    const ownersBefore = sut.ownerCount;
    assert.equal(sut.removeOwner(ownerId), owned.length);
    assert.equal(sut.removeOwner(ownerId), 0);
    assert.equal(sut.size, templates.length - owned.length);
    assert.equal(sut.ownerCount, ownersBefore - 1);
    const kept = templates.filter((template) => template.ownerId !== ownerId);
    const hits = sut.searchOwners(owned[0].vector, sut.ownerCount);
    assert.equal(hits.length, new Set(kept.map((template) => template.ownerId)).size);
    assert.ok(hits.every((hit) => hit.ownerId !== ownerId));
    assertSameHits(hits.slice(0, 30), naiveSearchOwners(kept, owned[0].vector, 30), kept);
  });

  void it('returns only owners the filter accepts, asking once per owner', () => {
    const random = seededRandom(41);
    const templates = randomTemplates(4000, 128, random);
    const sut = loadedIndex(templates, 128);
    const allowed = (ownerId: string): boolean => Number(ownerId.slice(1)) % 3 === 0;
    const filtered = templates.filter((template) => allowed(template.ownerId));
    const query = randomUnitVector(128, random);
    const asked: string[] = [];
    const ownerFilter = (ownerId: string): boolean => {
      asked.push(ownerId);
      return allowed(ownerId);
    };
    const owners = sut.searchOwners(query, 25, { ownerFilter });
    assertSameHits(owners, naiveSearchOwners(filtered, query, 25), filtered);
    assert.equal(new Set(asked).size, asked.length, 'filter called twice for one owner');
    assert.deepEqual(sut.searchOwners(query, 5, { ownerFilter: () => false }), []);
  });

  void it('still answers correctly after an owner filter threw', () => {
    const random = seededRandom(43);
    const templates = randomTemplates(3000, 32, random);
    const sut = loadedIndex(templates, 32);
    const query = randomUnitVector(32, random);
    let calls = 0;
    const throwingFilter = (): boolean => {
      calls += 1;
      if (calls > 5) throw new Error('filter failed');
      return true;
    };
    assert.throws(() => sut.searchOwners(query, 10, { ownerFilter: throwingFilter }), /filter failed/);
    // The owners of the first rows were in the heap when the filter threw; look for one of them now.
    const probe = templates[0].vector;
    assertSameHits(sut.searchOwners(probe, 10), naiveSearchOwners(templates, probe, 10), templates);
    assertSameHits(sut.searchOwners(query, 10), naiveSearchOwners(templates, query, 10), templates);
  });

  void it('replaces the vector and owner when a template id is added again', () => {
    const random = seededRandom(51);
    const sut = new VectorIndex(32);
    const first = randomUnitVector(32, random);
    const second = randomUnitVector(32, random);
    sut.add('t1', 'alice', first);
    sut.add('t1', 'bob', second);
    assert.equal(sut.size, 1);
    assert.equal(sut.ownerCount, 1);
    const [hit] = sut.searchOwners(second, 1);
    assert.equal(hit.ownerId, 'bob');
    assert.ok(Math.abs(hit.similarity - 1) < 1e-5);
    assert.equal(sut.removeOwner('alice'), 0);
  });

  void it('keeps its content when the caller reuses the vector it added', () => {
    const sut = new VectorIndex(4);
    const vector = new Float32Array([1, 0, 0, 0]);
    sut.add('t1', 'p1', vector);
    vector.set([0, 1, 0, 0]);
    assert.equal(sut.searchOwners(new Float32Array([1, 0, 0, 0]), 1)[0].similarity, 1);
  });

  void it('answers exactly after every template was removed and others added', () => {
    const random = seededRandom(61);
    const first = randomTemplates(500, 16, random).map((template) => ({
      ...template,
      vector: template.vector.map((value) => value * 40),
    }));
    const sut = loadedIndex(first, 16);
    for (const template of first) sut.removeTemplate(template.templateId);
    assert.equal(sut.size, 0);
    const next = randomTemplates(300, 16, random, 1).map((template) => ({
      ...template,
      templateId: `n${template.templateId}`,
    }));
    for (const { templateId, ownerId, vector } of next) sut.add(templateId, ownerId, vector);
    const query = randomUnitVector(16, random);
    assertSameHits(sut.searchOwners(query, 100), naiveSearchOwners(next, query, 100), next);
  });

  void it('rejects vectors and queries of the wrong dimension', () => {
    const sut = new VectorIndex(128);
    assert.throws(() => sut.add('t1', 'p1', new Float32Array(127)), RangeError);
    assert.throws(() => sut.add('t1', 'p1', new Float32Array(129)), RangeError);
    assert.throws(() => sut.searchOwners(new Float32Array(64), 1), RangeError);
    assert.throws(() => sut.searchOwners(new Float32Array(256), 1), RangeError);
    assert.equal(sut.size, 0);
  });

  void it('rejects non-finite values, a bad k and a bad dimension', () => {
    const sut = new VectorIndex(4);
    assert.throws(() => sut.add('t1', 'p1', new Float32Array([0, Number.NaN, 0, 0])), RangeError);
    assert.throws(() => sut.searchOwners(new Float32Array([Infinity, 0, 0, 0]), 1), RangeError);
    assert.throws(() => sut.searchOwners(new Float32Array(4), -1), RangeError);
    assert.throws(() => sut.searchOwners(new Float32Array(4), 1.5), RangeError);
    assert.throws(() => new VectorIndex(0), RangeError);
    assert.throws(() => new VectorIndex(2.5), RangeError);
  });
});
