import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { AppConfig } from '../config/app-config.js';
import { EmployeesService } from '../employees/employees.service.js';
import { Metrics } from '../metrics/metrics.js';
import { asApiError, requireImage, type UploadedImages } from '../recognition/image-upload.js';
import { decideMatch, type MatchDecision, similarityToDistance } from '../recognition/match-decision.js';
import { type AnalysedFace, RecognitionEngine } from '../recognition/recognition-engine.js';
import { round4, toDetectedFaceDto } from '../recognition/recognition.dto.js';
import type { VectorSearchHit } from '../recognition/index/vector-index.js';
import { EmployeeGallery } from './employee-gallery.js';
import { assignFacesToPeople, type Candidate } from './face-assignment.js';
import type {
  IdentifiedFaceDto,
  IdentifiedPersonDto,
  IdentifyFacesDto,
  IdentifyFacesResponseDto,
} from './identification.dto.js';

/** More candidates than asked for are searched, so a person taken by a closer face leaves others to choose from. */
const SEARCH_DEPTH = 5;

/** Who one face of an image is, as `matchFaces` decided it. */
export interface FaceMatch {
  /** The person, or null when nobody is within the threshold (or a closer face of the image took them). */
  person: IdentifiedPersonDto | null;
  decision: MatchDecision | null;
  /** Similarity of the nearest enrolled person, matched or not; null when nobody is enrolled. */
  bestSimilarity: number | null;
  /** Why nobody was named: nobody to search, a closer face took the person, or nobody near enough; null if named. */
  reason: UnmatchedReason | null;
}

export type UnmatchedReason = 'no_enrolled_faces' | 'too_small' | 'matched_another_face' | 'below_threshold';

/** Which faces may be named, for `matchFaces`. */
export interface MatchOptions {
  /** Only these people are searched (a class among its students). */
  among?: readonly string[];
  /** Faces whose shorter side is under this many pixels are not named (`too_small`); all faces when absent. */
  minFaceSize?: number;
}

/** What the gallery search found for the faces of one image, before the answer is shaped. */
interface Ranking {
  hitsPerFace: VectorSearchHit[][];
  people: Map<string, IdentifiedPersonDto>;
  candidates: Candidate[];
  assigned: Map<number, Candidate>;
}

/** 1:N identification of every face of an image among the enrolled people of the caller's organisation. */
@Injectable()
export class IdentificationService {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly gallery: EmployeeGallery,
    private readonly people: EmployeesService,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
  ) {}

  identify(
    caller: AuthUser,
    files: UploadedImages | undefined,
    input: IdentifyFacesDto,
  ): Promise<IdentifyFacesResponseDto> {
    return this.identifyImage(caller.organizationId, requireImage(files, 'image'), input);
  }

  /** `identify` on image bytes, within an organisation (also run by recognition tasks). */
  async identifyImage(
    organizationId: string,
    bytes: Buffer,
    input: IdentifyFacesDto,
  ): Promise<IdentifyFacesResponseDto> {
    const started = performance.now();
    const analysis = await this.engine
      .analyse(bytes, { embed: true, liveness: input.check_liveness ?? false, minFaceSize: input.min_face_size })
      .catch((error: unknown) => {
        throw asApiError(error, 'image');
      });
    const threshold = input.threshold ?? this.engine.embeddingModel.threshold;
    const topK = input.top_k ?? 3;
    const allowed = await this.allowedPeople(organizationId, input);
    const minFaceSize = this.config.identifyMinFaceSize;
    const { hitsPerFace, people, candidates, assigned } = await this.rank(
      organizationId,
      analysis.faces,
      threshold,
      Math.max(topK, SEARCH_DEPTH),
      allowed,
      minFaceSize,
    );
    const galleryEmpty = hitsPerFace.every((hits) => hits.length === 0) && !allowed;
    const faces: IdentifiedFaceDto[] = analysis.faces.map((face, i) => {
      const { confidence: detectionConfidence, ...detected } = toDetectedFaceDto(face);
      const match = assigned.get(i);
      const top = hitsPerFace[i].filter((hit) => people.has(hit.ownerId)).slice(0, topK);
      const base = {
        ...detected,
        detection_confidence: detectionConfidence,
        top_matches: top.map((hit) => ({ person_id: hit.ownerId, similarity: round4(hit.similarity) })),
      };
      if (!match) {
        const reason = unmatchedReason(face, i, { nobodyToSearch: galleryEmpty, minFaceSize, candidates });
        return {
          ...base,
          recognized: false,
          person: null,
          similarity: null,
          distance: null,
          confidence: null,
          match_quality: null,
          reason,
        };
      }
      const decision = decideMatch(similarityToDistance(match.similarity), threshold);
      return {
        ...base,
        recognized: true,
        person: people.get(match.personId)!,
        similarity: decision.similarity,
        distance: decision.distance,
        confidence: decision.confidence,
        match_quality: decision.match_quality,
      };
    });
    const recognized = faces.filter((face) => face.recognized).length;
    this.countFaces(recognized, faces.length - recognized);
    return {
      processing_time_ms: Math.round((performance.now() - started) * 10) / 10,
      faces_detected: faces.length,
      faces_recognized: recognized,
      faces,
      summary: { total_faces: faces.length, recognized, unrecognized: faces.length - recognized },
      threshold,
    };
  }

  /**
   * Names already analysed faces (with embeddings) among the organisation's enrolled people at a distance
   * threshold, by the same rules as `identify`: one person per face at most, never one person for two faces.
   * With `among`, only those people are searched (a class among its students): the others are not candidates at
   * all, so a face of someone outside the set is unmatched, never the nearest person of the set by default. Faces
   * under `minFaceSize` are not named and take nobody from a larger face.
   */
  async matchFaces(
    organizationId: string,
    faces: AnalysedFace[],
    threshold: number,
    { among, minFaceSize = 0 }: MatchOptions = {},
  ): Promise<FaceMatch[]> {
    const allowed = among ? new Set(among) : undefined;
    const { hitsPerFace, people, candidates, assigned } = await this.rank(
      organizationId,
      faces,
      threshold,
      SEARCH_DEPTH,
      allowed && ((id) => allowed.has(id)),
      minFaceSize,
    );
    const nobodyToSearch = hitsPerFace.every((hits) => hits.length === 0);
    this.countFaces(assigned.size, faces.length - assigned.size);
    return faces.map((face, i) => {
      const match = assigned.get(i);
      const nearest = hitsPerFace[i].find((hit) => people.has(hit.ownerId));
      return {
        person: match ? people.get(match.personId)! : null,
        decision: match ? decideMatch(similarityToDistance(match.similarity), threshold) : null,
        bestSimilarity: nearest ? round4(nearest.similarity) : null,
        reason: match ? null : unmatchedReason(face, i, { nobodyToSearch, minFaceSize, candidates }),
      };
    });
  }

  /** Faces searched, into the processing counters (GET /metrics, /system/metrics). */
  private countFaces(matched: number, unknown: number): void {
    if (matched > 0) this.metrics.facesProcessed.inc({ outcome: 'matched' }, matched);
    if (unknown > 0) this.metrics.facesProcessed.inc({ outcome: 'unknown' }, unknown);
  }

  /**
   * Each face's nearest people, and who each face is: the faces under `minFaceSize` keep their nearest people (as
   * hints) but are no candidate for anyone.
   */
  private async rank(
    organizationId: string,
    faces: AnalysedFace[],
    threshold: number,
    depth: number,
    allowed: ((id: string) => boolean) | undefined,
    minFaceSize: number,
  ): Promise<Ranking> {
    const hitsPerFace = faces.map((face) => this.gallery.searchPeople(organizationId, face.embedding!, depth, allowed));
    const people = await this.loadPeople(organizationId, [...new Set(hitsPerFace.flat().map((hit) => hit.ownerId))]);
    const candidates: Candidate[] = hitsPerFace.flatMap((hits, face) =>
      faces[face].analysedSize < minFaceSize
        ? []
        : hits
            .filter((hit) => people.has(hit.ownerId) && similarityToDistance(hit.similarity) <= threshold)
            .map((hit) => ({ face, personId: hit.ownerId, similarity: hit.similarity })),
    );
    return { hitsPerFace, people, candidates, assigned: assignFacesToPeople(candidates) };
  }

  /** The people a department or kind filter allows; undefined when there is no filter. */
  private async allowedPeople(
    organizationId: string,
    input: IdentifyFacesDto,
  ): Promise<((id: string) => boolean) | undefined> {
    if (!input.department_id && !input.kind) return undefined;
    const ids = new Set(
      await this.people.idsMatching(organizationId, { departmentId: input.department_id, kind: input.kind }),
    );
    return (id) => ids.has(id);
  }

  /** Active, not deleted people of the organisation among the ids. */
  private loadPeople(organizationId: string, ids: string[]): Promise<Map<string, IdentifiedPersonDto>> {
    return this.people.identities(organizationId, ids);
  }
}

/** Why face `index` got nobody: nobody to search, too small to name, a closer face took its person, or too far. */
function unmatchedReason(
  face: AnalysedFace,
  index: number,
  search: { nobodyToSearch: boolean; minFaceSize: number; candidates: Candidate[] },
): UnmatchedReason {
  if (search.nobodyToSearch) return 'no_enrolled_faces';
  if (face.analysedSize < search.minFaceSize) return 'too_small';
  return search.candidates.some((candidate) => candidate.face === index) ? 'matched_another_face' : 'below_threshold';
}
