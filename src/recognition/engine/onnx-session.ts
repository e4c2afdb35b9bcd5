import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

export interface OnnxSessionOptions {
  /**
   * Threads onnxruntime may use inside one operator (default 1, for every model). On the shared 2-core machines one
   * thread per run was faster, alone and more so with two images in the models at once (the engine allows two, and
   * the two liveness models run side by side): with 2 threads the runs fight for the cores. Measured with
   * bench/pipeline-stages.bench.ts --threads=1|2, both packs (docs/benchmarks.md).
   */
  threads?: number;
}

/** Opens an ONNX model for CPU inference with all graph optimisations: every session of the engine goes through here. */
export function openOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The float32 data of a named session output; throws when the model returned something else. */
export function floatOutput(outputs: ort.InferenceSession.OnnxValueMapType, name: string): Float32Array {
  const value = outputs[name];
  if (!(value instanceof ort.Tensor) || !(value.data instanceof Float32Array)) {
    throw new Error(`ONNX output "${name}" is missing or not float32`);
  }
  return value.data;
}
