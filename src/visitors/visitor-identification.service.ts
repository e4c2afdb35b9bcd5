import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { AppConfig } from '../config/app-config.js';
import { asApiError, requireImage, type UploadedImages } from '../recognition/image-upload.js';
import { decideMatch, similarityToDistance } from '../recognition/match-decision.js';
import { type AnalysedFace, RecognitionEngine } from '../recognition/recognition-engine.js';
import { round4 } from '../recognition/recognition.dto.js';
import type { VisitorIdentifyResultDto } from './visitor-identification.dto.js';
import { VisitorGallery } from './visitor-gallery.js';
import { VisitorsRepository } from './visitors.repository.js';
import { VisitorsService } from './visitors.service.js';
import { WatchlistAlert } from './watchlist-alert.js';

/** Visitors searched: the best live one among them answers. */
const CANDIDATES = 5;

/**
 * A returning visitor from one desk photo: the largest face is searched in the visitors' gallery only (employees are
 * never candidates), unless it is under IDENTIFY_MIN_FACE_SIZE. A watchlisted match raises the security alert.
 */
@Injectable()
export class VisitorIdentificationService {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly gallery: VisitorGallery,
    private readonly visitors: VisitorsRepository,
    private readonly profiles: VisitorsService,
    private readonly watchlist: WatchlistAlert,
    private readonly config: AppConfig,
  ) {}

  async identify(caller: AuthUser, files: UploadedImages | undefined): Promise<VisitorIdentifyResultDto> {
    const bytes = requireImage(files, 'image');
    const { faces } = await this.engine.analyse(bytes, { embed: true }).catch((error: unknown) => {
      throw asApiError(error, 'image');
    });
    const face = largest(faces);
    if (!face?.embedding) return { match: null, reason: 'no_face_detected', faces_detected: faces.length };
    // Too small to tell visitors apart: no name, and no watchlist alarm from a face in the distance.
    if (face.analysedSize < this.config.identifyMinFaceSize) {
      return { match: null, reason: 'too_small', faces_detected: faces.length };
    }
    const organizationId = caller.organizationId;
    const hits = this.gallery.searchVisitors(organizationId, face.embedding, CANDIDATES);
    const found = await this.visitors.findMany(
      organizationId,
      hits.map((candidate) => candidate.ownerId),
    );
    // The best visitor who still has faces: an entry can outlive its erasure by another instance (retention job).
    const hit = hits.find((candidate) => (found.get(candidate.ownerId)?.faceTemplates ?? 0) > 0);
    if (!hit) return { match: null, reason: 'no_enrolled_visitors', faces_detected: faces.length };
    const threshold = this.engine.embeddingModel.threshold;
    const decision = decideMatch(similarityToDistance(hit.similarity), threshold);
    const visitor = decision.match ? found.get(hit.ownerId) : null;
    if (!visitor) return { match: null, reason: 'below_threshold', faces_detected: faces.length };
    if (visitor.isWatchlisted) await this.watchlist.raise(caller, visitor, 'identify');
    return {
      match: {
        visitor: this.profiles.toDto(caller, visitor),
        similarity: round4(decision.similarity),
        confidence: decision.confidence,
      },
      reason: 'matched',
      faces_detected: faces.length,
    };
  }
}

function largest(faces: AnalysedFace[]): AnalysedFace | undefined {
  const area = (face: AnalysedFace) => (face.bbox[2] - face.bbox[0]) * (face.bbox[3] - face.bbox[1]);
  return [...faces].sort((a, b) => area(b) - area(a))[0];
}
