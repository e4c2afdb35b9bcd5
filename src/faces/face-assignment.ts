/** One possible answer: this face is this person, with this similarity. */
export interface Candidate {
  face: number;
  personId: string;
  similarity: number;
}

/**
 * Decides per image: best pairs first, each face gets at most one person and each person at most one face
 * (two faces in one photo are never the same person). Returns person id per face index.
 */
export function assignFacesToPeople(candidates: Candidate[]): Map<number, Candidate> {
  const byFace = new Map<number, Candidate>();
  const takenPeople = new Set<string>();
  const ordered = [...candidates].sort((a, b) => b.similarity - a.similarity || a.face - b.face);
  for (const candidate of ordered) {
    if (byFace.has(candidate.face) || takenPeople.has(candidate.personId)) continue;
    byFace.set(candidate.face, candidate);
    takenPeople.add(candidate.personId);
  }
  return byFace;
}
