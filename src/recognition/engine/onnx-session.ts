import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';

export interface OnnxSessionOptions {
  /**
   * Threads onnxruntime may use inside one operator (default 1). On the 2-core machines one thread per run was
   * faster under load (concurrent requests, the two liveness models running side by side): with 2 threads the
   * runs fight for the cores (bench/pipeline-stages.bench.ts --threads=2).
   */
  threads?: number;
}

/** Opens an ONNX model for CPU inference with all graph optimisations. */
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
