import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { EmployeesService } from '../employees/employees.service.js';
import { asApiError, requireImage, type UploadedImages } from '../recognition/image-upload.js';
import { decideMatch, similarityToDistance } from '../recognition/match-decision.js';
import { RecognitionEngine } from '../recognition/recognition-engine.js';
import { round4, toDetectedFaceDto } from '../recognition/recognition.dto.js';
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

/** 1:N identification of every face of an image among the enrolled people of the caller's organisation. */
@Injectable()
export class IdentificationService {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly gallery: EmployeeGallery,
    private readonly people: EmployeesService,
  ) {}

  async identify(
    caller: AuthUser,
    files: UploadedImages | undefined,
    input: IdentifyFacesDto,
  ): Promise<IdentifyFacesResponseDto> {
    const started = performance.now();
    const bytes = requireImage(files, 'image');
    const analysis = await this.engine.analyse(bytes, { embed: true, liveness: true }).catch((error: unknown) => {
      throw asApiError(error, 'image');
    });
    const organizationId = caller.organizationId;
    const threshold = input.threshold ?? this.engine.embeddingModel.threshold;
    const topK = input.top_k ?? 3;
    const allowed = await this.allowedPeople(organizationId, input);
    const hitsPerFace = analysis.faces.map((face) =>
      this.gallery.searchPeople(organizationId, face.embedding!, Math.max(topK, SEARCH_DEPTH), allowed),
    );
    const people = await this.loadPeople(organizationId, [...new Set(hitsPerFace.flat().map((hit) => hit.ownerId))]);
    const candidates: Candidate[] = hitsPerFace.flatMap((hits, face) =>
      hits
        .filter((hit) => people.has(hit.ownerId) && similarityToDistance(hit.similarity) <= threshold)
        .map((hit) => ({ face, personId: hit.ownerId, similarity: hit.similarity })),
    );
    const assigned = assignFacesToPeople(candidates);
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
        const reason = galleryEmpty
          ? 'no_enrolled_faces'
          : candidates.some((candidate) => candidate.face === i)
            ? 'matched_another_face'
            : 'below_threshold';
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
    return {
      processing_time_ms: Math.round((performance.now() - started) * 10) / 10,
      faces_detected: faces.length,
      faces_recognized: recognized,
      faces,
      summary: { total_faces: faces.length, recognized, unrecognized: faces.length - recognized },
      threshold,
    };
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
