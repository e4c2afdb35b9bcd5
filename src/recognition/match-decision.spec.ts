import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideMatch, euclideanDistance, similarityToDistance, verificationThreshold } from './match-decision.js';

describe(decideMatch.name, () => {
  it('matches at or below the threshold and not above', () => {
    assert.equal(decideMatch(0.42, 0.42).match, true);
    assert.equal(decideMatch(0.43, 0.42).match, false);
  });

  it('puts confidence at 0.5 on the threshold and moves it with the distance', () => {
    assert.equal(decideMatch(0.42, 0.42).confidence, 0.5);
    assert.ok(decideMatch(0.2, 0.42).confidence > 0.99);
    assert.ok(decideMatch(0.8, 0.42).confidence < 0.01);
    assert.ok(decideMatch(0.4, 0.42).confidence > decideMatch(0.41, 0.42).confidence);
  });

  it('grades the match by its distance relative to the threshold', () => {
    assert.equal(decideMatch(0.2, 0.42).match_quality, 'excellent');
    assert.equal(decideMatch(0.33, 0.42).match_quality, 'good');
    assert.equal(decideMatch(0.4, 0.42).match_quality, 'fair');
    assert.equal(decideMatch(0.6, 0.42).match_quality, 'poor');
  });

  it('reports cosine similarity consistent with the distance of unit vectors', () => {
    const a = new Float32Array([1, 0]);
    const b = new Float32Array([Math.SQRT1_2, Math.SQRT1_2]);
    const distance = euclideanDistance(a, b);
    assert.ok(Math.abs(decideMatch(distance, 0.42).similarity - Math.SQRT1_2) < 1e-4);
    assert.ok(Math.abs(similarityToDistance(Math.SQRT1_2) - distance) < 1e-6);
  });

  it('refuses embeddings of different sizes', () => {
    assert.throws(() => euclideanDistance(new Float32Array(2), new Float32Array(3)), /differ/);
  });
});

describe(verificationThreshold.name, () => {
  const turned = { min_yaw: 30, threshold: 0.447 };

  it('keeps the default threshold while every face is within min_yaw of frontal', () => {
    assert.equal(verificationThreshold(0.416, turned, [0, 12.5, -29.9]), 0.416);
  });

  it('takes the turned threshold when any face is turned by min_yaw or more, either way', () => {
    assert.equal(verificationThreshold(0.416, turned, [3, 30]), 0.447);
    assert.equal(verificationThreshold(0.416, turned, [-55]), 0.447);
  });

  it('keeps the default without a turned threshold or without yaws', () => {
    assert.equal(verificationThreshold(0.416, null, [80]), 0.416);
    assert.equal(verificationThreshold(0.416, turned, []), 0.416);
  });
});
