import { HttpStatus, Injectable } from '@nestjs/common';
import type { AuthUser } from '../access/auth-user.js';
import { ApiError } from '../common/api-error.js';
import { asApiError, requireImage, type UploadedImages } from './image-upload.js';
import { mainFace } from './main-face.js';
import { decideMatch, euclideanDistance, verificationThreshold } from './match-decision.js';
import { type AnalysedFace, type ImageAnalysis, RecognitionEngine } from './recognition-engine.js';
import { ReferenceFaces } from './reference-faces.js';
import {
  type DetectFacesDto,
  type DetectFacesResponseDto,
  roundBox,
  toDetectedFaceDto,
  type VerifyFacesDto,
  type VerifyFacesResponseDto,
} from './recognition.dto.js';

const NO_FACE_SUGGESTIONS = [
  'Use a photo where the face is well lit and faces the camera',
  'Make sure the face is at least about 80 pixels wide and not cut off',
  'Avoid heavy blur, sunglasses or a covered face',
];

/** Detection and 1:1 verification over uploaded images. */
@Injectable()
export class RecognitionService {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly references: ReferenceFaces,
  ) {}

  async detect(files: UploadedImages | undefined, input: DetectFacesDto): Promise<DetectFacesResponseDto> {
    const started = performance.now();
    const analysis = await this.analyse(requireImage(files, 'image'), 'image', {
      minConfidence: input.min_confidence,
      liveness: true,
    });
    return {
      processing_time_ms: elapsed(started),
      image_size: { width: analysis.width, height: analysis.height },
      faces_detected: analysis.faces.length,
      faces: analysis.faces.map(toDetectedFaceDto),
    };
  }

  /**
   * Compares the main face of image_a (see mainFace: the largest, or of faces at least half its size the one nearest
   * the centre) with that of image_b, or, given `employee_id`, with that person's enrolled templates (the closest one
   * decides).
   */
  verify(caller: AuthUser, files: UploadedImages | undefined, input: VerifyFacesDto): Promise<VerifyFacesResponseDto> {
    if (input.employee_id && files?.image_b?.length) {
      throw ApiError.badRequest('validation_error', 'Send image_b or employee_id, not both', [
        { field: 'employee_id', errors: ['employee_id and image_b exclude each other'] },
      ]);
    }
    const imageA = requireImage(files, 'image_a');
    if (input.employee_id) return this.verifyImages(caller.organizationId, { imageA, employeeId: input.employee_id });
    return this.verifyImages(caller.organizationId, { imageA, imageB: requireImage(files, 'image_b') });
  }

  /** `verify` on image bytes: image_a against image_b, or against the enrolled faces of a person of the organisation. */
  async verifyImages(
    organizationId: string,
    images: { imageA: Buffer; imageB: Buffer } | { imageA: Buffer; employeeId: string; liveness?: boolean },
  ): Promise<VerifyFacesResponseDto> {
    if ('employeeId' in images) {
      return this.verifyAgainstPerson(organizationId, images.imageA, images.employeeId, images.liveness ?? false);
    }
    const started = performance.now();
    const [a, b] = await Promise.all([
      this.analyse(images.imageA, 'image_a', { embed: 'comparison' }),
      this.analyse(images.imageB, 'image_b', { embed: 'comparison' }),
    ]);
    const faceA = subjectFace(a, 'image_a');
    const faceB = subjectFace(b, 'image_b');
    const decision = decideMatch(
      euclideanDistance(faceA.embedding!, faceB.embedding!),
      this.threshold([faceA.quality.yaw, faceB.quality.yaw]),
    );
    return {
      ...decision,
      faces: { a: { bbox: roundBox(faceA.bbox) }, b: { bbox: roundBox(faceB.bbox) } },
      processing_time_ms: elapsed(started),
    };
  }

  private async verifyAgainstPerson(
    organizationId: string,
    imageA: Buffer,
    employeeId: string,
    liveness: boolean,
  ): Promise<VerifyFacesResponseDto> {
    const started = performance.now();
    const references = await this.references.find(organizationId, employeeId);
    if (references === null) throw ApiError.notFound('Employee');
    if (references.length === 0) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'not_enrolled',
        'The person has no enrolled face to compare with',
        {
          employee_id: employeeId,
        },
      );
    }
    const face = subjectFace(await this.analyse(imageA, 'image_a', { embed: true, liveness }), 'image_a');
    const distance = Math.min(...references.map((reference) => euclideanDistance(face.embedding!, reference)));
    return {
      // An identity claim (kiosks, self check-in) keeps the default threshold whatever the pose: with the turned-face
      // threshold a stranger who turns away would be taken three times as often (cfp-dev: 78 of 1,750 against 26).
      ...decideMatch(distance, this.engine.embeddingModel.threshold),
      faces: { a: { bbox: roundBox(face.bbox) }, b: null },
      employee_id: employeeId,
      ...(liveness
        ? { liveness: face.liveness ? { passed: face.liveness.is_live, score: face.liveness.score } : null }
        : {}),
      processing_time_ms: elapsed(started),
    };
  }

  /** The model's threshold for comparing two photos with faces of these yaws. */
  private threshold(yaws: number[]): number {
    const { threshold, turnedThreshold } = this.engine.embeddingModel;
    return verificationThreshold(threshold, turnedThreshold, yaws);
  }

  private async analyse(
    bytes: Buffer,
    field: string,
    options: Parameters<RecognitionEngine['analyse']>[1],
  ): Promise<ImageAnalysis> {
    try {
      return await this.engine.analyse(bytes, options);
    } catch (error) {
      throw asApiError(error, field);
    }
  }
}

/** The image's main face (see mainFace); 422 `no_face_detected` when it has none. */
function subjectFace(analysis: ImageAnalysis, field: string): AnalysedFace {
  const face = mainFace(analysis.faces, analysis.width, analysis.height);
  if (!face) {
    throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'no_face_detected', `No face was found in ${field}`, {
      field,
      image_size: { width: analysis.width, height: analysis.height },
      suggestions: NO_FACE_SUGGESTIONS,
    });
  }
  return face;
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
