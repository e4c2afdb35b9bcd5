import type { DetectOptions } from './face.types.js';

/**
 * Whether a detector may go below its threshold for a photo without a sure face: the caller set no threshold of its
 * own and expects a face (DetectOptions.expectFace, true unless set false). Detectors then take their best guess,
 * and the engine asks the built-in detector when the optional pack's finds nothing.
 */
export function mayGuessFace(options: DetectOptions): boolean {
  return options.minConfidence === undefined && options.expectFace !== false;
}
