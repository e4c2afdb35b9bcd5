/** An earlier unknown face to compare a new one with. */
export interface UnknownFace {
  id: string;
  /** L2-normalised. */
  embedding: Float32Array;
}

/**
 * The earlier unknown face most like `embedding` whose cosine similarity reaches `minSimilarity`, or null: the
 * same stranger seen again. Embeddings are L2-normalised, so the dot product is the cosine similarity.
 */
export function nearestUnknown(
  embedding: Float32Array,
  candidates: UnknownFace[],
  minSimilarity: number,
): UnknownFace | null {
  let best: UnknownFace | null = null;
  let bestSimilarity = minSimilarity;
  for (const candidate of candidates) {
    if (candidate.embedding.length !== embedding.length) continue;
    let dot = 0;
    for (let i = 0; i < embedding.length; i++) dot += embedding[i] * candidate.embedding[i];
    if (dot >= bestSimilarity) {
      best = candidate;
      bestSimilarity = dot;
    }
  }
  return best;
}
