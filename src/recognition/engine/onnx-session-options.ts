import type { InferenceSession } from 'onnxruntime-node';

/**
 * The options every session of the engine is opened with: CPU, all graph optimisations, `threads` intra-op threads
 * (see OnnxSessionOptions.threads), one inter-op thread.
 */
export function onnxSessionOptions(threads: number): InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    // Threads of a multi-threaded session sleep when a run ends instead of spinning for more work: spinning took the
    // core the event loop needed next (one-face identify 61-71 ms with spinning, 43-52 without; docs/benchmarks.md).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}
